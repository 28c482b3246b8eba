package dev.trimtab.placement.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.auth.core.Surface;
import dev.trimtab.auth.live.AccessFilter;
import dev.trimtab.auth.live.Pools;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.placement.core.NodeVerdict;
import dev.trimtab.placement.core.Placement;
import dev.trimtab.placement.core.Status;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * kube-scheduler's extender protocol (k8s.io/kube-scheduler/extender/v1), so a cluster can keep
 * its default scheduler and add Trimtab's judgement: {@code POST /placement/extender/filter} takes
 * {@code ExtenderArgs} ({@code pod}, and {@code nodes.items} or, node-cache-capable,
 * {@code nodenames}) and answers an {@code ExtenderFilterResult} (the nodes that pass,
 * {@code failedNodes} and {@code failedAndUnresolvableNodes} with the filter's reasons);
 * {@code POST /placement/extender/prioritize} answers a {@code HostPriorityList}, each node's
 * weighted total scaled to the extender range 0–10. Full Node objects in the request refresh the
 * snapshot first; a node the snapshot does not know passes the filter (Trimtab cannot judge it)
 * and scores 0. A body that is not ExtenderArgs gets 400 naming the field. Callers need
 * {@code create placement/filter|prioritize} on {@code query.trimtab.dev} (docs/security.md); calls run
 * on the extender's own bounded pool (429 when full, 503 past {@code trimtab.limits.extender.timeout}),
 * bodies over {@code trimtab.limits.extender.max-body-size} get 413.
 */
@Tag(name = "placement", description = "kube-scheduler extender")
@Path("/placement/extender")
public class ExtenderEndpoint {
    static final int MAX_EXTENDER_PRIORITY = 10;
    private final PlacementFunction placement;
    private final Pools pools;
    private final AccessFilter access;

    @Inject
    public ExtenderEndpoint(PlacementFunction placement, Pools pools, AccessFilter access) {
        this.placement = placement;
        this.pools = pools;
        this.access = access;
    }

    @Operation(
            operationId = "extenderFilter",
            summary = "Scheduler extender filter",
            description =
                    "kube-scheduler ExtenderArgs in, ExtenderFilterResult out: the nodes the pod fits on, with the reason for each node filtered out.")
    @POST
    @Path("filter")
    public CompletionStage<Response> filter(byte[] body) {
        return answer(body, (p, names, args) -> {
            ObjectNode result = CloudEventCodec.JSON.createObjectNode();
            ObjectNode failed = CloudEventCodec.JSON.createObjectNode();
            ObjectNode unresolvable = CloudEventCodec.JSON.createObjectNode();
            List<String> passed = new ArrayList<>();
            for (String name : names) {
                NodeVerdict v = p.verdict(name);
                if (v == null || v.feasible()) {
                    passed.add(name);
                } else {
                    (v.status().code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE ? unresolvable : failed)
                            .put(name, String.join(", ", v.status().reasons()));
                }
            }
            if (args.path("nodes").path("items").isArray()) {
                ArrayNode items = result.putObject("nodes").putArray("items");
                for (JsonNode n : args.path("nodes").path("items")) {
                    if (passed.contains(n.at("/metadata/name").asText())) {
                        items.add(n);
                    }
                }
            } else {
                passed.forEach(result.putArray("nodenames")::add);
            }
            result.set("failedNodes", failed);
            result.set("failedAndUnresolvableNodes", unresolvable);
            result.put("error", "");
            return result;
        });
    }

    @Operation(
            operationId = "extenderPrioritize",
            summary = "Scheduler extender prioritize",
            description = "kube-scheduler ExtenderArgs in, a HostPriorityList out: the placement scores of the nodes.")
    @POST
    @Path("prioritize")
    public CompletionStage<Response> prioritize(byte[] body) {
        return answer(body, (p, names, args) -> {
            long max = p.nodes().stream()
                    .filter(NodeVerdict::feasible)
                    .mapToLong(NodeVerdict::total)
                    .max()
                    .orElse(0);
            ArrayNode list = CloudEventCodec.JSON.createArrayNode();
            for (String name : names) {
                NodeVerdict v = p.verdict(name);
                long score = v == null || !v.feasible() || max <= 0 ? 0 : v.total() * MAX_EXTENDER_PRIORITY / max;
                list.addObject().put("host", name).put("score", score);
            }
            return list;
        });
    }

    private interface Answer {
        JsonNode answer(Placement p, List<String> nodeNames, JsonNode args);
    }

    private CompletionStage<Response> answer(byte[] body, Answer answer) {
        // a body sent without Content-Length was not measured by the access filter
        String tooLarge = access.limits().bodyTooLarge(Surface.Extender, body.length);
        if (tooLarge != null) {
            return CompletableFuture.completedFuture(Response.status(413)
                    .type(MediaType.TEXT_PLAIN)
                    .entity(tooLarge)
                    .build());
        }
        return pools.extender().run(() -> answerNow(body, answer));
    }

    @SuppressWarnings("unchecked")
    private Response answerNow(byte[] body, Answer answer) {
        JsonNode args;
        try {
            args = CloudEventCodec.JSON.readTree(body);
        } catch (IOException e) {
            return bad("not JSON: " + e.getMessage());
        }
        if (args == null || !args.path("pod").isObject()) {
            return bad("pod: required, the Pod to place");
        }
        List<String> names = new ArrayList<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        if (args.path("nodes").path("items").isArray()) {
            for (JsonNode n : args.path("nodes").path("items")) {
                names.add(n.at("/metadata/name").asText());
                nodes.add(CloudEventCodec.JSON.convertValue(n, Map.class));
            }
        } else if (args.path("nodenames").isArray()) {
            args.path("nodenames").forEach(n -> names.add(n.asText()));
        } else {
            return bad("nodes.items or nodenames: required, the candidate nodes");
        }
        Map<String, Object> pod = CloudEventCodec.JSON.convertValue(args.get("pod"), Map.class);
        try {
            Placement p = placement.withFolder(f -> {
                nodes.forEach(n -> f.snapshot().upsertNode(n));
                return f.evaluate(pod);
            });
            return Response.ok(answer.answer(p, names, args), MediaType.APPLICATION_JSON)
                    .build();
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
    }

    private static Response bad(String message) {
        return Response.status(400).type(MediaType.TEXT_PLAIN).entity(message).build();
    }
}
