package dev.trimtab.kafka;

import io.quarkus.kafka.client.runtime.KafkaRuntimeConfigProducer;
import io.quarkus.runtime.ApplicationConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The {@code default-kafka-broker} configuration map, which SmallRye Kafka puts under every channel's
 * own properties (incoming, outgoing and the dead-letter-queue producers it builds from an incoming
 * channel: {@code ConfigHelper.retrieveChannelConfiguration}) and from which Trimtab's own clients
 * start (StateStore's producer and restore consumer, RetentionCheck's admin client, Quarkus's Kafka
 * health check). It replaces Quarkus's default bean of the same name: Quarkus's map (every
 * {@code kafka.*} property) with {@link KafkaSecurity}'s properties on top, so one setting secures
 * every client. Invalid settings stop the start ({@link #check}).
 */
@ApplicationScoped
public class KafkaClientConfig {
    public static final String NAME = "default-kafka-broker";
    private static final Logger LOG = Logger.getLogger(KafkaClientConfig.class);

    @Produces
    @Singleton
    @Identifier(NAME)
    Map<String, Object> kafka(Config config, ApplicationConfig application) {
        Map<String, Object> base = new KafkaRuntimeConfigProducer().createKafkaRuntimeConfig(config, application);
        KafkaSecurity.Settings settings =
                KafkaSecurity.Settings.from(name -> config.getOptionalValue(name, String.class));
        Map<String, Object> merged = merge(base, KafkaSecurity.properties(settings));
        LOG.infof("Kafka clients: %s", KafkaSecurity.describe(settings));
        return merged;
    }

    /** Quarkus's {@code kafka.*} map with the security properties on top (they win over a raw {@code kafka.ssl.*}). */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> security) {
        Map<String, Object> merged = new HashMap<>(base);
        merged.putAll(security);
        return merged;
    }

    /** Builds the map at start, before any channel needs it: bad settings fail the start with their message. */
    void check(@Observes @Priority(1) StartupEvent ignored, @Identifier(NAME) Map<String, Object> kafka) {
        // nothing more: resolving the parameter built (and validated) the map
    }
}
