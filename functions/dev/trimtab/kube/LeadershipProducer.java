package dev.trimtab.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
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
 */
@ApplicationScoped
public class LeadershipProducer {
    @Produces
    @Singleton
    Leadership leadership(KubernetesClient client,
                          @ConfigProperty(name = "trimtab.leader-election.enabled", defaultValue = "false") boolean enabled,
                          @ConfigProperty(name = "trimtab.leader-election.lease", defaultValue = "trimtab") String lease,
                          @ConfigProperty(name = "trimtab.leader-election.namespace") Optional<String> namespace) {
        if (!enabled || client == null) {
            return Leadership.always();
        }
        String ns = namespace.or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE"))).orElse("trimtab");
        String identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("trimtab-" + UUID.randomUUID());
        return Leadership.contend(client, Leadership.Lease.of(ns, lease, identity));
    }

    void close(@Disposes Leadership leadership) {
        leadership.close();
    }
}
