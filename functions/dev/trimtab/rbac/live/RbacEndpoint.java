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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * RBAC questions over the live cluster, answered as the {@code rbac} command answers them over
 * manifests, in its words ({@link QueryWords}):
 * {@code GET /rbac/can-i?as=USER&asGroup=G&verb=V&resource=TYPE[/NAME]|URL&subresource=S&namespace=N}
 * (or {@code allNamespaces=true}), {@code GET /rbac/who-can?verb=…&resource=…&namespace=…},
 * {@code GET /rbac/escalations}, {@code GET /rbac/intents}
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
                    "Whether user 'as' (with groups 'asGroup') may 'verb' the 'resource' (TYPE[.group][/NAME] or a URL) in 'namespace' (or with allNamespaces=true in every namespace), and which bindings grant it, as kubectl auth can-i. 'group' and 'target' are the deprecated names of 'asGroup' and 'resource'. Warnings (deprecated words, an unknown type) come as Warning headers. Needs get rbac/can-i on query.trimtab.dev.")
    @GET
    @Path("can-i")
    public CompletionStage<Response> canI(
            @QueryParam("as") String user,
            @QueryParam("asGroup") List<String> asGroups,
            @QueryParam("group") List<String> groups,
            @QueryParam("verb") String verb,
            @QueryParam("resource") String resource,
            @QueryParam("target") String target,
            @QueryParam("subresource") @DefaultValue("") String subresource,
            @QueryParam("namespace") String namespace,
            @QueryParam("allNamespaces") @DefaultValue("false") boolean allNamespaces) {
        if (user == null || user.isEmpty()) {
            return CompletableFuture.completedFuture(bad("as: required"));
        }
        return answer(warnings -> {
            QueryWords.Resolved q = words(resource, target, asGroups, groups, namespace, allNamespaces, warnings);
            return RbacAnswers.canI(
                    rbac.authorizer(),
                    UserInfo.authenticated(user, q.groups()),
                    RbacQueries.request(
                            verb, q.resource(), subresource, q.namespace(), ApiResources.standard(), warnings::add));
        });
    }

    @Operation(
            operationId = "rbacWhoCan",
            summary = "Who can do something",
            description =
                    "Every subject that may 'verb' the 'resource' in 'namespace' (or with allNamespaces=true in every namespace), with the bindings that grant it. 'target' is the deprecated name of 'resource'.")
    @GET
    @Path("who-can")
    public CompletionStage<Response> whoCan(
            @QueryParam("verb") String verb,
            @QueryParam("resource") String resource,
            @QueryParam("target") String target,
            @QueryParam("subresource") @DefaultValue("") String subresource,
            @QueryParam("namespace") String namespace,
            @QueryParam("allNamespaces") @DefaultValue("false") boolean allNamespaces) {
        return answer(warnings -> {
            QueryWords.Resolved q = words(resource, target, List.of(), List.of(), namespace, allNamespaces, warnings);
            return RbacAnswers.whoCan(
                    rbac.authorizer(),
                    RbacQueries.request(
                            verb, q.resource(), subresource, q.namespace(), ApiResources.standard(), warnings::add));
        });
    }

    /** The words resolved; the resource is required (named as the endpoint names it). */
    private static QueryWords.Resolved words(
            String resource,
            String target,
            List<String> asGroups,
            List<String> groups,
            String namespace,
            boolean allNamespaces,
            List<String> warnings) {
        QueryWords.Resolved q = QueryWords.resolve(resource, target, asGroups, groups, namespace, allNamespaces);
        warnings.addAll(q.warnings());
        if (q.resource() == null || q.resource().isEmpty()) {
            throw new IllegalArgumentException("resource: required (TYPE[.group][/NAME] or a URL)");
        }
        return q;
    }

    @Operation(
            operationId = "rbacEscalations",
            summary = "Escalation paths",
            description =
                    "Subjects that can gain more permissions than they hold (bind, escalate, impersonate, create pods with any ServiceAccount, read secrets).")
    @GET
    @Path("escalations")
    public CompletionStage<Response> escalations() {
        return answer(warnings -> new EscalationFinder(rbac.model())
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
        return answer(warnings -> {
            LiveRbac.View v = rbac.view();
            return RbacAnswers.violations(v.model(), v.objects(), intents.intents());
        });
    }

    /** Runs a question on the query pool; the warnings it collects go out as {@code Warning} headers. */
    private CompletionStage<Response> answer(Function<List<String>, Object> answer) {
        return pools.queries().run(() -> answerNow(answer));
    }

    private Response answerNow(Function<List<String>, Object> answer) {
        if (!rbac.enabled()) {
            return Response.status(503)
                    .type(MediaType.TEXT_PLAIN)
                    .entity("RBAC is not watched here: set trimtab.rbac.watch-cluster=true")
                    .build();
        }
        List<String> warnings = new ArrayList<>();
        try {
            Response.ResponseBuilder ok = Response.ok(answer.apply(warnings));
            warnings.forEach(w -> ok.header("Warning", QueryWords.header(w)));
            return ok.build();
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
    }

    private static Response bad(String message) {
        return Response.status(400).type(MediaType.TEXT_PLAIN).entity(message).build();
    }
}
