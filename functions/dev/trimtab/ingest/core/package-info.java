/**
 * The metric receivers' pure part: what monitoring systems send, read and turned into the
 * Kubernetes metric items the autoscaler decides on. No framework, no I/O, no wall clock (the
 * receiver passes its clock to {@link dev.trimtab.ingest.core.SeriesRules#convert}).
 *
 * <h2>Prometheus remote write 1.0</h2>
 * <ol>
 *   <li>{@link dev.trimtab.ingest.core.Snappy}: the body's snappy block, its declared length
 *       checked against {@code trimtab.ingest.max-uncompressed-size} before anything is
 *       allocated, every element bounds-checked.</li>
 *   <li>{@link dev.trimtab.ingest.core.RemoteWrite} over {@link dev.trimtab.ingest.core.ProtoReader}:
 *       the {@code WriteRequest}'s series, each with its latest float sample. What the
 *       specification requires of a sender is checked ({@code __name__}, label names, no label
 *       twice, UTF-8); unknown fields are skipped; limits are checked while reading.</li>
 *   <li>{@link dev.trimtab.ingest.core.SeriesRules}: each series becomes the metric its labels
 *       describe ({@link dev.trimtab.ingest.core.MetricItem}: Pods, Object or External), its value
 *       in milli-units; unusable values are {@link dev.trimtab.ingest.core.Skipped} with a
 *       reason, never an error.</li>
 *   <li>{@link dev.trimtab.ingest.core.PolicyRouter}: the workloads whose policies read each item.</li>
 * </ol>
 *
 * <h2>OpenTelemetry (OTLP)</h2>
 * <ol>
 *   <li>{@link dev.trimtab.ingest.core.Gzip} when the body is gzip-compressed, bounded;</li>
 *   <li>{@link dev.trimtab.ingest.core.OtlpProto} (or the streaming JSON reader in
 *       {@code dev.trimtab.ingest.events}) reads the request's data points;</li>
 *   <li>{@link dev.trimtab.ingest.core.OtlpSeries} turns each point into series: Kubernetes
 *       resource attributes into {@code namespace}, {@code pod} and object labels, delta rates,
 *       histogram means and quantiles (docs/decisions/0029);</li>
 *   <li>then {@link dev.trimtab.ingest.core.SeriesRules} and the router, as above;
 *       {@link dev.trimtab.ingest.core.OtlpAnswers} encodes the protocol's answers.</li>
 * </ol>
 * <h2>PromQL pull metrics (docs/decisions/0031)</h2>
 * {@link dev.trimtab.ingest.core.AllowedServers}: the only servers a {@code type: Prometheus}
 * metric may query (scheme, host, port, path prefix); {@link dev.trimtab.ingest.core.PullSchedule}:
 * when each query is due ({@code pollingInterval}, one in flight, clock passed in). The answers are
 * read by {@code dev.trimtab.ingest.events.PromQueryAnswers} (KEDA's rules), the queries run by
 * {@code dev.trimtab.ingest.live.PrometheusQuerySource}.
 *
 * <h2>Kafka lag, live (docs/decisions/0034)</h2>
 * {@link dev.trimtab.ingest.core.ConsumerOffsetsDecoder} reads the group coordinator's
 * {@code __consumer_offsets} records (offset commits, deletions; every other record type skipped),
 * bounds-checked, by hand; {@link dev.trimtab.ingest.core.LagBook} keeps the watched groups'
 * committed offsets (seeded whole, then kept by the log); {@link dev.trimtab.ingest.core.OffsetsPoll} (a {@link dev.trimtab.autoscaler.core.KafkaOffsets})
 * is one poll (end and committed offset of every partition read), the data of a
 * {@code dev.trimtab.kafka.offsets} event; {@link dev.trimtab.ingest.core.EmitPacer} says when a
 * commit's event is due; {@link dev.trimtab.ingest.core.AllowedBrokers} the clusters a
 * {@link dev.trimtab.ingest.core.LagWatch} may name. The source is
 * {@code dev.trimtab.ingest.live.KafkaLagSource}.
 *
 * A request that can never be read is a {@link dev.trimtab.ingest.core.BadPayload} whose message
 * names the message, field or series; the receiver answers 400 and forwards nothing of it.
 *
 * <h2>Deviations from upstream</h2>
 * <ul>
 *   <li>prometheus-adapter sums the series that map to one pod and metric; here the last one read
 *       wins (docs/decisions/0028: write a recording rule).</li>
 *   <li>Samples without a timestamp field (proto3 default 0) are dated 1970 and so are stale, not
 *       dated at receipt: remote write always sends timestamps.</li>
 * </ul>
 */
package dev.trimtab.ingest.core;
