package dev.trimtab.ingest.live;

import dev.trimtab.autoscaler.live.AutoscalerEngine;
import dev.trimtab.autoscaler.live.LiveSettings;
import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.OtlpSeries;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.SeriesRules;
import dev.trimtab.ingest.core.Skipped;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What every metric receiver does with a request once its protocol has been checked: read the
 * body, turn its series into metrics ({@link SeriesRules}, on this instance's clock), forward them
 * ({@link MetricForwarder}) and count what was refused. Each receiver answers the
 * {@link Result} in its own protocol's terms. Nothing of a refused request is forwarded.
 */
@ApplicationScoped
public class Receivers {
    private static final Logger LOG = Logger.getLogger(Receivers.class);

    /** How a request ended. */
    public sealed interface Result permits Taken, Refused, NotDelivered {}

    /** Forwarded; {@code skipped}: what was read but feeds nothing. */
    public record Taken(Payload payload, List<Skipped> skipped) implements Result {}

    /** Can never be read (the protocol's 400); the message names the series or field. */
    public record Refused(String message) implements Result {}

    /** Read, but the broker did not take it in time (the protocol's 503, to be sent again). */
    public record NotDelivered(String message) implements Result {}

    private final IngestSettings settings;
    private final MetricForwarder forwarder;
    private final SeriesRules rules;
    private final List<SeriesRules.ObjectLabel> objectLabels;
    private final boolean clusterView;

    @Inject
    public Receivers(IngestSettings settings, MetricForwarder forwarder, AutoscalerEngine engine, LiveSettings live) {
        this.settings = settings;
        this.forwarder = forwarder;
        this.clusterView = live.clusterState() != LiveSettings.ClusterStateSource.none;
        var input = engine.limits();
        this.objectLabels = settings.parsedObjectLabels();
        this.rules = new SeriesRules(
                objectLabels,
                new SeriesRules.Bounds(
                        input.maxLabels(),
                        input.maxLabelLength(),
                        input.maxClockSkew().toMillis()));
    }

    /** Whether a receiver enabled by its setting is served here (it needs the autoscaler's cluster view to route). */
    public boolean served(boolean enabled) {
        return enabled && clusterView;
    }

    public IngestLimits limits() {
        return settings.limits();
    }

    /** A fresh reader of OpenTelemetry points under this receiver's object labels and limits. */
    public OtlpSeries otlp() {
        return new OtlpSeries(objectLabels, settings.limits());
    }

    public MetricForwarder forwarder() {
        return forwarder;
    }

    /** Reads the body with {@code read} ({@link BadPayload} if it cannot be read), converts and forwards it. */
    public Result take(String receiver, Supplier<Payload> read) {
        return take(receiver, read, false);
    }

    /** As {@link #take(String, Supplier)}; {@code externalOnly}: every series is an External metric (alerts). */
    public Result take(String receiver, Supplier<Payload> read, boolean externalOnly) {
        Payload payload = null;
        SeriesRules.Conversion conversion;
        try {
            payload = read.get();
            conversion = rules.convert(payload.series(), System.currentTimeMillis(), externalOnly);
        } catch (BadPayload e) {
            LOG.debugf("%s request refused: %s", receiver, e.getMessage());
            forwarder.rejected(receiver, payload == null ? 0 : payload.series().size());
            return new Refused(e.getMessage());
        }
        List<Skipped> skipped = new ArrayList<>(payload.skipped());
        skipped.addAll(conversion.skipped());
        try {
            forwarder.forward(receiver, conversion.items(), skipped);
        } catch (RuntimeException e) {
            forwarder.rejected(receiver, payload.series().size());
            LOG.warnf(
                    "%s request of %d series not forwarded: %s",
                    receiver, payload.series().size(), e.getMessage());
            return new NotDelivered(e.getMessage());
        }
        return new Taken(payload, skipped);
    }
}
