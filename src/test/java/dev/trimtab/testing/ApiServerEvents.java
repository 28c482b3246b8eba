package dev.trimtab.testing;

import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import java.time.Instant;
import java.util.UUID;

/** Kubernetes objects as the Knative ApiServerSource emits them, for tests that fold them. */
public final class ApiServerEvents {
    private ApiServerEvents() {}

    /** An {@code add} event of {@code objectJson} at {@code time}. */
    public static CloudEvent add(String objectJson, Instant time) {
        return CloudEventCodec.parse("{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                + "\",\"source\":\"/t\",\"type\":\"" + EventFolder.ADD + "\",\"time\":\"" + time + "\",\"data\":"
                + objectJson + "}");
    }
}
