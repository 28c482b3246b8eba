package dev.trimtab.rbac;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.kube.Manifests;
import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.Answer;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.EscalationFinder;
import dev.trimtab.rbac.core.Finding;
import dev.trimtab.rbac.core.Grant;
import dev.trimtab.rbac.core.ObjectRef;
import dev.trimtab.rbac.core.PolicyRule;
import dev.trimtab.rbac.core.RbacModel;
import dev.trimtab.rbac.core.Subject;
import dev.trimtab.rbac.core.SubjectGrants;
import dev.trimtab.rbac.core.UserInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
                case "can-i" -> out.println(JSON.writeValueAsString(canI(model, a)));
                case "who-can" -> out.println(JSON.writeValueAsString(whoCan(model, a)));
                default -> {
                    for (Finding f : new EscalationFinder(model).find()) {
                        out.println(JSON.writeValueAsString(finding(f)));
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

    private static Map<String, Object> canI(RbacModel model, RbacArgs a) {
        UserInfo user = UserInfo.authenticated(a.user(), a.groups());
        Answer answer = new Authorizer(model).canI(user, a.request());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allowed", answer.allowed());
        request(m, a);
        m.put("user", user.name());
        m.put("groups", user.groups());
        m.put("rules", answer.grants().stream().map(RbacCommand::grant).toList());
        return m;
    }

    private static Map<String, Object> whoCan(RbacModel model, RbacArgs a) {
        List<SubjectGrants> found = new Authorizer(model).whoCan(a.request());
        Map<String, Object> m = new LinkedHashMap<>();
        request(m, a);
        List<Object> subjects = new ArrayList<>();
        List<Object> rules = new ArrayList<>();
        for (SubjectGrants sg : found) {
            Map<String, Object> s = subject(sg.subject());
            s.put("bindings", sg.grants().stream().map(Grant::binding).distinct().map(RbacCommand::ref).toList());
            subjects.add(s);
            sg.grants().forEach(g -> rules.add(grant(g)));
        }
        m.put("subjects", subjects);
        m.put("rules", rules);
        return m;
    }

    private static void request(Map<String, Object> m, RbacArgs a) {
        AccessRequest r = a.request();
        m.put("verb", r.verb());
        if (r.isNonResource()) {
            m.put("nonResourceURL", r.path());
        } else {
            m.put("resource", r.apiGroup().isEmpty() ? r.resource() : r.resource() + "." + r.apiGroup());
            m.put("subresource", r.subresource().isEmpty() ? null : r.subresource());
            m.put("name", r.name().isEmpty() ? null : r.name());
            m.put("namespace", r.namespace().isEmpty() ? null : r.namespace());
        }
    }

    private static Map<String, Object> finding(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", f.code().name());
        m.put("subjects", f.subjects().stream().map(RbacCommand::subject).toList());
        m.put("binding", ref(f.binding()));
        m.put("role", ref(f.role()));
        m.put("ruleIndex", f.ruleIndex() < 0 ? null : f.ruleIndex());
        m.put("rule", f.rule() == null ? null : rule(f.rule()));
        m.put("namespace", f.scope().isEmpty() ? null : f.scope());
        m.put("message", f.message());
        return m;
    }

    private static Map<String, Object> grant(Grant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("binding", ref(g.binding()));
        m.put("role", ref(g.role()));
        m.put("ruleIndex", g.ruleIndex());
        m.put("rule", rule(g.rule()));
        m.put("subject", subject(g.subject()));
        return m;
    }

    private static Map<String, Object> ref(ObjectRef r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.kind());
        m.put("namespace", r.namespace());
        m.put("name", r.name());
        return m;
    }

    private static Map<String, Object> subject(Subject s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", s.kind().name());
        m.put("name", s.name());
        m.put("namespace", s.namespace());
        return m;
    }

    private static Map<String, Object> rule(PolicyRule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verbs", r.verbs());
        m.put("apiGroups", r.apiGroups());
        m.put("resources", r.resources());
        m.put("resourceNames", r.resourceNames());
        m.put("nonResourceURLs", r.nonResourceURLs());
        return m;
    }
}
