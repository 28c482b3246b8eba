package dev.trimtab.rbac.live;

import dev.trimtab.auth.live.Pools;
import dev.trimtab.kube.ApiResources;
import dev.trimtab.rbac.RbacAnswers;
import dev.trimtab.rbac.RbacQueries;
import dev.trimtab.rbac.core.EscalationFinder;
import dev.trimtab.rbac.core.UserInfo;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * RBAC questions over the live cluster, answered as the {@code rbac} command answers them over
 * manifests: {@code GET /rbac/can-i?as=USER&group=G&verb=V&target=TYPE[/NAME]|URL&subresource=S&namespace=N},
 * {@code GET /rbac/who-can?verb=…&target=…}, {@code GET /rbac/escalations}, {@code GET /rbac/intents}
 * (the violations of the RbacIntents in force). A bad parameter is a
 * 400 naming it; 503 while {@code trimtab.rbac.watch-cluster} is off. Callers need
 * {@code get rbac/<question>} on {@code query.trimtab.dev} (docs/security.md); answers run on the
 * bounded query pool (429 when full, 503 past {@code trimtab.limits.query.timeout}).
 */
@Tag(name = "rbac", description = "RBAC queries")
@Path("/rbac")
@Produces(MediaType.APPLICATION_JSON)
public class RbacEndpoint {
    private final LiveRbac rbac;
    private final RbacIntents intents;
    private final Pools pools;

    @Inject
    public RbacEndpoint(LiveRbac rbac, RbacIntents intents, Pools pools) {
        this.rbac = rbac;
        this.intents = intents;
        this.pools = pools;
    }

    @Operation(
            operationId = "rbacCanI",
            summary = "Can a user do something",
            description =
                    "Whether user 'as' (with groups) may 'verb' the 'target' (resource[.group][/name]) in 'namespace', and which bindings grant it, as kubectl auth can-i. Needs get rbac/can-i on query.trimtab.dev.")
    @GET
    @Path("can-i")
    public CompletionStage<Response> canI(
            @QueryParam("as") String user,
            @QueryParam("group") List<String> groups,
            @QueryParam("verb") String verb,
            @QueryParam("target") String target,
            @QueryParam("subresource") @DefaultValue("") String subresource,
            @QueryParam("namespace") @DefaultValue("") String namespace) {
        if (user == null || user.isEmpty()) {
            return CompletableFuture.completedFuture(bad("as: required"));
        }
        return answer(() -> RbacAnswers.canI(
                rbac.authorizer(),
                UserInfo.authenticated(user, groups),
                RbacQueries.request(verb, target, subresource, namespace, ApiResources.standard(), w -> {})));
    }

    @Operation(
            operationId = "rbacWhoCan",
            summary = "Who can do something",
            description = "Every subject that may 'verb' the 'target' in 'namespace', with the bindings that grant it.")
    @GET
    @Path("who-can")
    public CompletionStage<Response> whoCan(
            @QueryParam("verb") String verb,
            @QueryParam("target") String target,
            @QueryParam("subresource") @DefaultValue("") String subresource,
            @QueryParam("namespace") @DefaultValue("") String namespace) {
        return answer(() -> RbacAnswers.whoCan(
                rbac.authorizer(),
                RbacQueries.request(verb, target, subresource, namespace, ApiResources.standard(), w -> {})));
    }

    @Operation(
            operationId = "rbacEscalations",
            summary = "Escalation paths",
            description =
                    "Subjects that can gain more permissions than they hold (bind, escalate, impersonate, create pods with any ServiceAccount, read secrets).")
    @GET
    @Path("escalations")
    public CompletionStage<Response> escalations() {
        return answer(() -> new EscalationFinder(rbac.model())
                .find().stream().map(RbacAnswers::finding).toList());
    }

    /** The violations of the RbacIntents in force, each with its fix, as {@code rbac intents} prints them. */
    @Operation(
            operationId = "rbacIntents",
            summary = "RBAC intents and their violations",
            description = "The RbacIntents in force and the subjects that violate them.")
    @GET
    @Path("intents")
    public CompletionStage<Response> intents() {
        return answer(() -> {
            LiveRbac.View v = rbac.view();
            return RbacAnswers.violations(v.model(), v.objects(), intents.intents());
        });
    }

    private CompletionStage<Response> answer(Supplier<Object> answer) {
        return pools.queries().run(() -> answerNow(answer));
    }

    private Response answerNow(Supplier<Object> answer) {
        if (!rbac.enabled()) {
            return Response.status(503)
                    .type(MediaType.TEXT_PLAIN)
                    .entity("RBAC is not watched here: set trimtab.rbac.watch-cluster=true")
                    .build();
        }
        try {
            return Response.ok(answer.get()).build();
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
    }

    private static Response bad(String message) {
        return Response.status(400).type(MediaType.TEXT_PLAIN).entity(message).build();
    }
}
