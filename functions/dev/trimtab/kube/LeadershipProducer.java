package dev.trimtab.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The replica's {@link Leadership}: with {@code trimtab.leader-election.enabled=true} a Lease named
 * {@code trimtab.leader-election.lease} in {@code trimtab.leader-election.namespace} (default the
 * pod's namespace from {@code POD_NAMESPACE}, else {@code trimtab}), held as {@code HOSTNAME} (the
 * pod's name); otherwise always the leader (one replica, tests, the local run).
 *
 * <p>Metrics: {@code trimtab_leader{lease}} is 1 while this replica holds the lease, else 0;
 * {@code trimtab_leader_transitions_total{lease}} counts gains and losses. Health: see
 * {@link LeadershipHealth}.
 */
@ApplicationScoped
public class LeadershipProducer {
    @Produces
    @Singleton
    Leadership leadership(
            KubernetesClient client,
            MeterRegistry registry,
            @ConfigProperty(name = "trimtab.leader-election.enabled", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "trimtab.leader-election.lease", defaultValue = "trimtab") String lease,
            @ConfigProperty(name = "trimtab.leader-election.namespace") Optional<String> namespace) {
        Leadership leadership;
        String name;
        if (!enabled || client == null) {
            leadership = Leadership.always();
            name = "none";
        } else {
            String ns = namespace
                    .or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE")))
                    .orElse("trimtab");
            String identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("trimtab-" + UUID.randomUUID());
            leadership = Leadership.contend(client, Leadership.Lease.of(ns, lease, identity));
            name = ns + "/" + lease;
        }
        register(registry, leadership, name);
        return leadership;
    }

    static void register(MeterRegistry registry, Leadership leadership, String lease) {
        Gauge.builder("trimtab_leader", leadership, l -> l.leader() ? 1 : 0)
                .tag("lease", lease)
                .description("1 while this replica holds the lease")
                .register(registry);
        FunctionCounter.builder(
                        "trimtab_leader_transitions_total",
                        leadership,
                        l -> l.status().transitions())
                .tag("lease", lease)
                .description("times this replica gained or lost the lease")
                .register(registry);
    }

    void close(@Disposes Leadership leadership) {
        leadership.close();
    }
}
