package dev.trimtab.rbac.live;

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

/**
 * RBAC questions over the live cluster, answered as the {@code rbac} command answers them over
 * manifests: {@code GET /rbac/can-i?as=USER&group=G&verb=V&target=TYPE[/NAME]|URL&subresource=S&namespace=N},
 * {@code GET /rbac/who-can?verb=…&target=…}, {@code GET /rbac/escalations}, {@code GET /rbac/intents}
 * (the violations of the RbacIntents in force). A bad parameter is a
 * 400 naming it; 503 while {@code trimtab.rbac.watch-cluster} is off.
 */
@Path("/rbac")
@Produces(MediaType.APPLICATION_JSON)
public class RbacEndpoint {
    private final LiveRbac rbac;
    private final RbacIntents intents;

    @Inject
    public RbacEndpoint(LiveRbac rbac, RbacIntents intents) {
        this.rbac = rbac;
        this.intents = intents;
    }

    @GET
    @Path("can-i")
    public Response canI(@QueryParam("as") String user, @QueryParam("group") List<String> groups,
                         @QueryParam("verb") String verb, @QueryParam("target") String target,
                         @QueryParam("subresource") @DefaultValue("") String subresource,
                         @QueryParam("namespace") @DefaultValue("") String namespace) {
        if (user == null || user.isEmpty()) {
            return bad("as: required");
        }
        return answer(() -> RbacAnswers.canI(rbac.authorizer(), UserInfo.authenticated(user, groups),
                RbacQueries.request(verb, target, subresource, namespace)));
    }

    @GET
    @Path("who-can")
    public Response whoCan(@QueryParam("verb") String verb, @QueryParam("target") String target,
                           @QueryParam("subresource") @DefaultValue("") String subresource,
                           @QueryParam("namespace") @DefaultValue("") String namespace) {
        return answer(() -> RbacAnswers.whoCan(rbac.authorizer(), RbacQueries.request(verb, target, subresource, namespace)));
    }

    @GET
    @Path("escalations")
    public Response escalations() {
        return answer(() -> new EscalationFinder(rbac.model()).find().stream().map(RbacAnswers::finding).toList());
    }

    /** The violations of the RbacIntents in force, each with its fix, as {@code rbac intents} prints them. */
    @GET
    @Path("intents")
    public Response intents() {
        return answer(() -> {
            LiveRbac.View v = rbac.view();
            return RbacAnswers.violations(v.model(), v.objects(), intents.intents());
        });
    }

    private Response answer(java.util.function.Supplier<Object> answer) {
        if (!rbac.enabled()) {
            return Response.status(503).type(MediaType.TEXT_PLAIN)
                    .entity("RBAC is not watched here: set trimtab.rbac.watch-cluster=true").build();
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
