package dev.trimtab.ingest.live;

/**
 * How one poll of a Kafka-lag metric ended, or what one record read did: the {@code result} label
 * of {@code trimtab_ingest_queries_total{receiver="kafka-lag"}}.
 */
enum LagResult {
    /** the offsets event was delivered to trimtab.metrics */
    ok,
    /** a newer event of the same metric replaced it before it was sent */
    superseded,
    /** the broker did not take the event in time */
    not_delivered,
    /** the bootstrapServers are not all in trimtab.ingest.kafka-lag.allowed-servers */
    refused_server,
    /** bootstrapServers is not a host:port list */
    bad_bootstrap,
    /** past max-clusters, max-groups or max-partitions, or the send queue full */
    over_limit,
    /** a topic read does not exist */
    unknown_topic,
    /** an end offset could not be read */
    no_end_offset,
    /** the group's committed offsets are not known yet (being read) */
    not_seeded,
    /** the cluster did not answer (the log, the Admin API) */
    unreachable,
    /** a __consumer_offsets record could not be read */
    bad_record
}
