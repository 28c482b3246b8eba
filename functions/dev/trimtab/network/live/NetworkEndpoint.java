package dev.trimtab.network.live;

import dev.trimtab.auth.live.AccessFilter;
import dev.trimtab.auth.live.Pools;
import dev.trimtab.network.IntentsAnswers;
import dev.trimtab.network.NetworkCommand;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.Pod;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.intent.IntentChecker;
import dev.trimtab.network.core.intent.IntentEnforcer;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Reachability over the live cluster, answered as the {@code network} command answers it over
 * manifests: {@code GET /network/can-reach?from=NS/POD|IP&to=NS/POD|IP&port=PORT[/PROTOCOL]} and
 * {@code GET /network/matrix?port=…[&namespace=NS]…}, {@code GET /network/intents[?plan=true]}. A bad
 * parameter is a 400 naming it; 503 while
 * {@code trimtab.network.watch-cluster} is off. Callers need {@code get network/<question>} on
 * {@code query.trimtab.dev} (docs/security.md); answers run on the bounded query pool (429 when
 * full, 503 past {@code trimtab.limits.query.timeout}); a matrix of more than
 * {@code trimtab.limits.network.matrix-max-pairs} pairs is refused with 422 before any work.
 */
@Tag(name = "network", description = "Network reachability queries")
@Path("/network")
@Produces(MediaType.APPLICATION_JSON)
public class NetworkEndpoint {
    private final LiveNetwork network;
    private final NetworkIntents intents;
    private final Pools pools;
    private final AccessFilter access;

    @Inject
    public NetworkEndpoint(LiveNetwork network, NetworkIntents intents, Pools pools, AccessFilter access) {
        this.network = network;
        this.intents = intents;
        this.pools = pools;
        this.access = access;
    }

    /** A request the limits refuse: its status and message. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Operation(
            operationId = "networkCanReach",
            summary = "Can one pod reach another",
            description =
                    "Whether traffic from 'from' (NS/POD or an IP) to 'to' on 'port' is allowed by the NetworkPolicies, with the policies that decide. Needs get network/can-reach on query.trimtab.dev in both namespaces.")
    @GET
    @Path("can-reach")
    public CompletionStage<Response> canReach(
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("port") String port) {
        return answer(() -> {
            NetworkModel model = network.model();
            return NetworkCommand.answer(new ReachabilityAnalyzer(model)
                    .canReach(
                            NetworkCommand.endpoint(model, "from", required("from", from)),
                            NetworkCommand.endpoint(model, "to", required("to", to)),
                            Port.parse(required("port", port))));
        });
    }

    @Operation(
            operationId = "networkMatrix",
            summary = "Reachability matrix",
            description =
                    "Which pods of the given namespaces can reach which, on 'port'. Needs get network/matrix on query.trimtab.dev; 422 past trimtab.limits.network.matrix-max-pairs.")
    @GET
    @Path("matrix")
    public CompletionStage<Response> matrix(
            @QueryParam("port") String port, @QueryParam("namespace") @DefaultValue("") List<String> namespaces) {
        return answer(() -> {
            NetworkModel model = network.model();
            List<String> wanted = namespaces.stream().filter(n -> !n.isEmpty()).toList();
            List<Pod> pods = model.pods().stream()
                    .filter(p -> wanted.isEmpty() || wanted.contains(p.namespace()))
                    .toList();
            Port parsed = Port.parse(required("port", port));
            String tooLarge = access.limits().matrixTooLarge(pods.size());
            if (tooLarge != null) {
                throw new Refused(422, tooLarge);
            }
            return new ReachabilityAnalyzer(model)
                    .matrix(pods, parsed).stream()
                            .map(v -> {
                                if (Thread.currentThread().isInterrupted()) {
                                    throw new Refused(503, "cancelled: the answer ran out of time");
                                }
                                return NetworkCommand.answer(v);
                            })
                            .toList();
        });
    }

    /**
     * The NetworkIntents in force checked now: {@code {"violations":[…]}} as {@code network intents}
     * prints them, and with {@code plan=true} the plan that would make the Enforce ones hold
     * ({@code "plan":{"changes","conflicts","unresolvable","holds"}}), whatever the remediation setting.
     */
    @Operation(
            operationId = "networkIntents",
            summary = "Network intents and their violations",
            description =
                    "The NetworkIntents in force, their violations and (plan=true) the NetworkPolicy changes that would enforce them.")
    @GET
    @Path("intents")
    public CompletionStage<Response> intents(@QueryParam("plan") @DefaultValue("false") boolean plan) {
        return answer(() -> {
            LiveNetwork.View v = network.view();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put(
                    "violations",
                    IntentChecker.check(v.model(), intents.intents()).stream()
                            .map(IntentsAnswers::violation)
                            .toList());
            if (plan) {
                out.put("plan", IntentsAnswers.plan(IntentEnforcer.plan(v.objects(), intents.intents())));
            }
            return out;
        });
    }

    private static String required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": required");
        }
        return value;
    }

    private CompletionStage<Response> answer(Supplier<Object> answer) {
        return pools.queries().run(() -> answerNow(answer));
    }

    private Response answerNow(Supplier<Object> answer) {
        if (!network.enabled()) {
            return Response.status(503)
                    .type(MediaType.TEXT_PLAIN)
                    .entity("the network is not watched here: set trimtab.network.watch-cluster=true")
                    .build();
        }
        try {
            return Response.ok(answer.get()).build();
        } catch (IllegalArgumentException e) {
            return Response.status(400)
                    .type(MediaType.TEXT_PLAIN)
                    .entity(e.getMessage())
                    .build();
        } catch (Refused e) {
            return Response.status(e.status)
                    .type(MediaType.TEXT_PLAIN)
                    .entity(e.getMessage())
                    .build();
        }
    }
}
