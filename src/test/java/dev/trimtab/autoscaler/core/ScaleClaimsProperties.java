package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every target has exactly one owner among its claims, the same whatever order the claims
 * arrived in (so every replica and replay agree), and it is a foreign controller whenever there
 * is one. Seeded random claims; the seed is in the failure message.
 */
class ScaleClaimsProperties {
    static final String[] KINDS = {ScaleClaim.HPA, ScaleClaim.SCALED_OBJECT, ScaleClaim.SCALING_POLICY};
    static final String[] NAMES = {"a", "b", "web", "api"};

    @Test
    void oneOwnerPerTargetWhateverTheOrder() {
        for (int seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            List<ScaleClaim> claims = new ArrayList<>();
            for (int i = 0; i < 1 + rnd.nextInt(8); i++) {
                String kind = KINDS[rnd.nextInt(KINDS.length)];
                String api = kind.equals(ScaleClaim.HPA)
                        ? "autoscaling/v2"
                        : kind.equals(ScaleClaim.SCALED_OBJECT) ? "keda.sh/v1alpha1" : "trimtab.dev/v1alpha1";
                ObjectRef source = new ObjectRef(api, kind, "ns", NAMES[rnd.nextInt(NAMES.length)] + i);
                ObjectRef target = new ObjectRef("apps/v1", "Deployment", "ns", NAMES[rnd.nextInt(2)]);
                long created = rnd.nextInt(4) == 0 ? Long.MAX_VALUE : 1_000L * rnd.nextInt(5);
                claims.add(new ScaleClaim(source, source, ClusterState.TargetKey.of(target), created));
            }
            ScaleClaims first = new ScaleClaims();
            claims.forEach(first::put);
            List<ScaleClaim> shuffled = new ArrayList<>(claims);
            Collections.shuffle(shuffled, rnd);
            ScaleClaims second = new ScaleClaims();
            shuffled.forEach(second::put);
            for (String name : new String[] {"a", "b"}) {
                ClusterState.TargetKey t =
                        ClusterState.TargetKey.of(new ObjectRef("apps/v1", "Deployment", "ns", name));
                List<ScaleClaim> on = first.on(t);
                assertThat(second.on(t)).as("seed %d", seed).isEqualTo(on);
                long owners = on.stream()
                        .filter(c -> first.otherOwner(t, c.source()) == null)
                        .count();
                assertThat(owners)
                        .as("seed %d: owners of %s among %s", seed, name, on)
                        .isEqualTo(on.isEmpty() ? 0 : 1);
                if (on.stream().anyMatch(ScaleClaim::foreign)) {
                    assertThat(on.get(0).foreign()).as("seed %d", seed).isTrue();
                }
                ObjectRef newcomer = new ObjectRef("trimtab.dev/v1alpha1", ScaleClaim.SCALING_POLICY, "ns", "zz-new");
                assertThat(first.otherOwner(t, newcomer) == null)
                        .as("seed %d: a new policy owns only a free target", seed)
                        .isEqualTo(on.isEmpty());
            }
        }
    }
}
