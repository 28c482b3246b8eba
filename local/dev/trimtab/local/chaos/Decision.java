package dev.trimtab.local.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the run's own figures need of one decision read back from {@code trimtab.decisions}
 * (the oracle checks themselves are {@code DecisionAudit}'s).
 *
 * @param inputs the metric event ids folded into it ({@code data.inputs}), or null when the
 *               decision log does not carry them
 */
record Decision(
        String workload,
        long timeMillis,
        boolean rescale,
        int currentReplicas,
        int desiredReplicas,
        String outcome,
        String triggerId,
        List<String> inputs) {

    /** Reads a {@code dev.trimtab.decision.scale} CloudEvent; null for any other event. */
    static Decision of(JsonNode event) {
        if (!"dev.trimtab.decision.scale".equals(event.path("type").asText())) {
            return null;
        }
        JsonNode d = event.path("data");
        List<String> inputs = null;
        if (d.path("inputs").isArray()) {
            inputs = new ArrayList<>(d.get("inputs").size());
            for (JsonNode i : d.get("inputs")) {
                inputs.add(i.asText());
            }
        }
        return new Decision(
                d.at("/target/namespace").asText() + "/" + d.at("/target/name").asText(),
                Instant.parse(event.path("time").asText()).toEpochMilli(),
                d.path("rescale").asBoolean(),
                d.path("currentReplicas").asInt(),
                d.path("desiredReplicas").asInt(),
                d.path("outcome").asText(null),
                d.at("/trigger/id").asText(null),
                inputs);
    }

    /** Carried out: a hold, or a rescale that was written. */
    boolean settled() {
        return !rescale || "written".equals(outcome);
    }

    boolean written() {
        return rescale && "written".equals(outcome);
    }

    /**
     * The newest sequence number of this workload's metric events it is known to have folded:
     * the highest among its inputs when logged, else its trigger's; -1 when neither is one.
     */
    long newestSeq() {
        long best = -1;
        if (inputs != null) {
            for (String id : inputs) {
                best = Math.max(best, seq(id));
            }
        }
        return Math.max(best, seq(triggerId));
    }

    private long seq(String id) {
        Fleet.IdParts p = Fleet.parseId(id);
        return p != null && p.workload().equals(workload) ? p.seq() : -1;
    }
}
