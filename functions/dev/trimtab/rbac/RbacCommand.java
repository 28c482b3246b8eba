package dev.trimtab.rbac;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.cli.QueryBatch;
import dev.trimtab.kube.Manifests;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.EscalationFinder;
import dev.trimtab.rbac.core.Finding;
import dev.trimtab.rbac.core.RbacIntent;
import dev.trimtab.rbac.core.RbacModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code rbac can-i|who-can|escalations|intents}: RBAC questions answered offline from a directory
 * of manifests (no cluster, no Quarkus). Each answer is one JSON object on one line; {@code intents}
 * checks the RbacIntents among the manifests and prints one line per violation with its fix
 * ({@code docs/rbac-intents.md}), intents that could not be read named on stderr.
 *
 * <p>With {@code --batch FILE} ({@code -}: stdin) can-i and who-can take no query on the command
 * line: each line of FILE is one, {@code {"as":"alice","asGroups":["dev"],"verb":"get","resource":"pods/web",
 * "subresource":"log","namespace":"team-a"}} (who-can: without {@code as} and {@code asGroups};
 * {@code resource} is what {@code TYPE[/NAME]|URL} takes; only {@code as}, {@code verb} and
 * {@code resource} are required), answered in order over manifests read once, as the single query
 * would be. A bad line is answered {@code {"line":N,"error":"..."}} in its place and named on stderr;
 * the batch goes on ({@link QueryBatch}).
 *
 * <p>Exit 0 when it could answer, whatever the answer (objects that could not be read are named on
 * stderr and left out); 1 when the manifests could not be read at all; 2 on wrong usage, naming the
 * argument, and after a batch with a bad line.
 */
public final class RbacCommand {
    static final String USAGE = """
            usage: rbac can-i --manifests DIR --as USER [--as-group GROUP]... VERB TYPE[/NAME]|URL [--subresource SUB] [--namespace NS]
                   rbac can-i --manifests DIR --batch FILE|-   (lines {"as","asGroups","verb","resource","subresource","namespace"})
                   rbac who-can --manifests DIR VERB TYPE[/NAME]|URL [--subresource SUB] [--namespace NS]
                   rbac who-can --manifests DIR --batch FILE|- (lines {"verb","resource","subresource","namespace"})
                   rbac escalations --manifests DIR
                   rbac intents --manifests DIR""";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CAN_I_FIELDS = List.of("as", "asGroups", "verb", "resource", "subresource", "namespace");
    private static final List<String> WHO_CAN_FIELDS = List.of("verb", "resource", "subresource", "namespace");

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
        if (a.batch() != null) {
            return batch(a.command(), a.batch(), stdin, new Authorizer(model), out, err);
        }
        try {
            switch (a.command()) {
                case "intents" -> intents(objects, model, out, err);
                case "can-i" -> out.println(JSON.writeValueAsString(RbacAnswers.canI(new Authorizer(model), a.user(), a.request())));
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

    /** The queries of {@code --batch}, one a line ({@link QueryBatch}): exit 0 when all were answered, 2 when a line was bad. */
    private static int batch(String command, String file, InputStream stdin, Authorizer authorizer, PrintStream out,
                             PrintStream err) {
        boolean canI = command.equals("can-i");
        try (dev.trimtab.cli.Lines in = QueryBatch.open(file, stdin)) {
            int bad = QueryBatch.answer(in, "rbac", canI ? CAN_I_FIELDS : WHO_CAN_FIELDS, line -> {
                if (canI) {
                    RbacQueries.CanI q = RbacQueries.canI(line.string("as"), line.strings("asGroups"), line.string("verb"),
                            line.string("resource"), line.optionalString("subresource"), line.optionalString("namespace"));
                    return List.of(RbacAnswers.canI(authorizer, q.user(), q.request()));
                }
                return List.of(RbacAnswers.whoCan(authorizer, RbacQueries.request(line.string("verb"),
                        line.string("resource"), line.optionalString("subresource"), line.optionalString("namespace"))));
            }, out, err);
            return bad == 0 ? 0 : 2;
        } catch (NoSuchFileException e) {
            err.println("rbac: --batch " + file + ": no such file");
            return 2;
        } catch (IOException e) {
            err.println("rbac: --batch " + file + ": " + e);
            return 1;
        }
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
