package dev.trimtab.rbac;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.kube.Manifests;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.EscalationFinder;
import dev.trimtab.rbac.core.Finding;
import dev.trimtab.rbac.core.RbacModel;
import dev.trimtab.rbac.core.UserInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code rbac can-i|who-can|escalations}: RBAC questions answered offline from a directory of
 * manifests (no cluster, no Quarkus). Each answer is one JSON object on one line. Exit 0 when it
 * could answer, whatever the answer (objects that could not be read are named on stderr and left
 * out); 1 when the manifests could not be read at all; 2 on wrong usage, naming the argument.
 */
public final class RbacCommand {
    static final String USAGE = """
            usage: rbac can-i --manifests DIR --as USER [--as-group GROUP]... VERB TYPE[/NAME]|URL [--subresource SUB] [--namespace NS]
                   rbac who-can --manifests DIR VERB TYPE[/NAME]|URL [--subresource SUB] [--namespace NS]
                   rbac escalations --manifests DIR""";
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
        RbacModel model;
        try {
            model = load(a.manifests(), err);
        } catch (IOException e) {
            err.println("rbac: cannot read manifests in " + a.manifests() + ": " + e.getMessage());
            return 1;
        }
        try {
            switch (a.command()) {
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

    private static RbacModel load(Path dir, PrintStream err) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory");
        }
        Manifests.Contents contents = Manifests.read(dir);
        contents.errors().forEach(e -> err.println("rbac: " + e));
        RbacModel model = RbacModel.fromObjects(contents.objects());
        model.errors().forEach(e -> err.println("rbac: " + e));
        model.warnings().forEach(w -> err.println("rbac: warning: " + w));
        return model;
    }

}
