package dev.trimtab.rbac;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.kube.Manifests;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.EscalationFinder;
import dev.trimtab.rbac.core.Finding;
import dev.trimtab.rbac.core.RbacIntent;
import dev.trimtab.rbac.core.RbacModel;
import dev.trimtab.rbac.core.UserInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code rbac can-i|who-can|escalations|intents}: RBAC questions answered offline from a directory
 * of manifests (no cluster, no Quarkus). Each answer is one JSON object on one line; {@code intents}
 * checks the RbacIntents among the manifests and prints one line per violation with its fix
 * ({@code docs/rbac-intents.md}), intents that could not be read named on stderr. Exit 0 when it
 * could answer, whatever the answer (objects that could not be read are named on stderr and left
 * out); 1 when the manifests could not be read at all; 2 on wrong usage, naming the argument.
 */
public final class RbacCommand {
    static final String USAGE = """
            usage: rbac can-i --manifests DIR --as USER [--as-group GROUP]... VERB TYPE[/NAME]|URL [--subresource SUB] [--namespace NS]
                   rbac who-can --manifests DIR VERB TYPE[/NAME]|URL [--subresource SUB] [--namespace NS]
                   rbac escalations --manifests DIR
                   rbac intents --manifests DIR""";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RbacCommand() {}

    /** @param args what follows the word {@code rbac} */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        RbacArgs a;
        try {
            a = RbacArgs.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("rbac: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        List<Map<String, Object>> objects;
        RbacModel model;
        try {
            objects = read(a.manifests(), err);
            model = load(objects, err);
        } catch (IOException e) {
            err.println("rbac: cannot read manifests in " + a.manifests() + ": " + e.getMessage());
            return 1;
        }
        try {
            switch (a.command()) {
                case "intents" -> intents(objects, model, out, err);
                case "can-i" -> out.println(JSON.writeValueAsString(RbacAnswers.canI(new Authorizer(model),
                        UserInfo.authenticated(a.user(), a.groups()), a.request())));
                case "who-can" -> out.println(JSON.writeValueAsString(RbacAnswers.whoCan(new Authorizer(model), a.request())));
                default -> {
                    for (Finding f : new EscalationFinder(model).find()) {
                        out.println(JSON.writeValueAsString(RbacAnswers.finding(f)));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialize", e);
        }
        out.flush();
        return 0;
    }

    private static void intents(List<Map<String, Object>> objects, RbacModel model, PrintStream out, PrintStream err)
            throws JsonProcessingException {
        RbacIntent.Parsed intents = RbacIntent.fromObjects(objects);
        intents.errors().forEach(e -> err.println("rbac: " + e));
        if (intents.intents().isEmpty()) {
            err.println("rbac: no RbacIntent (" + RbacIntent.API_VERSION + ") to check among the manifests");
        }
        for (Map<String, Object> v : RbacAnswers.violations(model, objects, intents.intents())) {
            out.println(JSON.writeValueAsString(v));
        }
    }

    private static List<Map<String, Object>> read(Path dir, PrintStream err) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory");
        }
        Manifests.Contents contents = Manifests.read(dir);
        contents.errors().forEach(e -> err.println("rbac: " + e));
        return contents.objects();
    }

    private static RbacModel load(List<Map<String, Object>> objects, PrintStream err) {
        RbacModel model = RbacModel.fromObjects(objects);
        model.errors().forEach(e -> err.println("rbac: " + e));
        model.warnings().forEach(w -> err.println("rbac: warning: " + w));
        return model;
    }

}
