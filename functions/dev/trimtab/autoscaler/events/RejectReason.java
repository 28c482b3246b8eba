package dev.trimtab.autoscaler.events;

import dev.trimtab.cloudevents.CloudEventCodec;

/**
 * Why an event was rejected (dead-lettered over Kafka, 400 over HTTP, an error in replay): the
 * {@code reason} tag of {@code trimtab_autoscaler_rejections_total}. Stable CamelCase names.
 */
public enum RejectReason {
    /** Not a CloudEvent, or its data is not JSON. */
    Undecodable,
    /** Bigger than a limit: bytes, list items, containers, resources, labels, nesting. */
    TooLarge,
    /** A CloudEvent the autoscaler does not read. */
    UnknownEvent,
    /** A field is missing or of the wrong form. */
    InvalidField,
    /** A quantity outside the Kubernetes grammar or Trimtab's bounds. */
    InvalidQuantity,
    /** A negative resource usage or metric value. */
    NegativeValue,
    /** A sample dated further ahead of the decision clock than the allowed clock skew. */
    FutureTimestamp;

    /** The reason of a failure to decode or fold an event. */
    public static RejectReason of(RuntimeException e) {
        if (e instanceof InvalidObjectException i) {
            return i.reason();
        }
        if (e instanceof CloudEventCodec.LimitExceededException) {
            return TooLarge;
        }
        return Undecodable;
    }
}
