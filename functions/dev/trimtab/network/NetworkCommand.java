package dev.trimtab.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.kube.Manifests;
import dev.trimtab.network.core.Endpoint;
import dev.trimtab.network.core.IpAddress;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.Pod;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.SideVerdict;
import dev.trimtab.network.core.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code network can-reach|matrix}: NetworkPolicy reachability answered offline from a directory
 * of manifests (Namespaces, Pods with {@code status.podIP}, NetworkPolicies; no cluster, no
 * Quarkus). Each answer is one JSON object on one line:
 * {@code {"from":"ns/pod","to":"ns/pod","port":80,"protocol":"TCP","reachable":true,"egress":{...},"ingress":{...}}},
 * each side with its {@code reason} (NotIsolated, AllowedByPolicy, NoRuleAllows, NotInCluster),
 * {@code isolated}, {@code isolatedBy} (policies {@code ns/name}) and {@code allowedBy}
 * ({@code {"policy":"ns/name","rule":i}}).
 *
 * <p>FROM and TO are {@code ns/pod} or an IP address. An address that is a pod's
 * {@code status.podIP} is that pod; any other is outside the cluster, and only the cluster end's
 * policies apply (for an external TO, the source's egress). {@code matrix} answers for every
 * ordered pair of pods (a pod with itself included), of all namespaces or those given with
 * {@code --namespace}. {@code intents} checks the NetworkIntents of the manifests and, with
 * {@code --plan}, plans the policies of the Enforce ones ({@link IntentsAnswers}).
 *
 * <p>Exit 0 when it could answer, whatever the answer (objects that could not be read are named on
 * stderr and left out); 1 when the manifests could not be read at all; 2 on wrong usage, naming the
 * argument.
 */
public final class NetworkCommand {
    static final String USAGE = """
            usage: network can-reach --manifests DIR FROM_NS/FROM_POD|IP TO_NS/TO_POD|IP PORT[/PROTOCOL]
                   network matrix --manifests DIR [--namespace NS]... PORT[/PROTOCOL]
                   network intents --manifests DIR [--plan]""";
    private static final ObjectMapper JSON = new ObjectMapper();

    private NetworkCommand() {}

    /** @param args what follows the word {@code network} */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        NetworkArgs a;
        try {
            a = NetworkArgs.parse(args);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        NetworkModel model;
        List<Map<String, Object>> objects;
        try {
            objects = load(a.manifests(), err);
            model = NetworkModel.fromObjects(objects);
            model.errors().forEach(e -> err.println("network: " + e));
        } catch (IOException e) {
            err.println("network: cannot read manifests in " + a.manifests() + ": " + e.getMessage());
            return 1;
        }
        ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);
        try {
            if (a.command().equals("intents")) {
                IntentsAnswers.print(objects, model, a.plan(), out, err);
            } else if (a.command().equals("can-reach")) {
                Endpoint from;
                Endpoint to;
                try {
                    from = endpoint(model, "FROM", a.from());
                    to = endpoint(model, "TO", a.to());
                } catch (IllegalArgumentException e) {
                    return usage(err, e.getMessage());
                }
                out.println(JSON.writeValueAsString(answer(analyzer.canReach(from, to, a.port()))));
            } else {
                List<Pod> pods = model.pods().stream()
                        .filter(p -> a.namespaces().isEmpty() || a.namespaces().contains(p.namespace())).toList();
                for (Verdict v : analyzer.matrix(pods, a.port())) {
                    out.println(JSON.writeValueAsString(answer(v)));
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings, numbers and lists always serialize", e);
        }
        out.flush();
        return 0;
    }

    private static int usage(PrintStream err, String message) {
        err.println("network: " + message);
        err.println(USAGE);
        return 2;
    }

    private static List<Map<String, Object>> load(Path dir, PrintStream err) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory");
        }
        Manifests.Contents contents = Manifests.read(dir);
        contents.errors().forEach(e -> err.println("network: " + e));
        return contents.objects();
    }

    public static Endpoint endpoint(NetworkModel model, String name, String text) {
        if (IpAddress.isAddress(text)) {
            return model.endpointFor(IpAddress.parse(text));
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(name + " \"" + text + "\": want NAMESPACE/POD or an IP address");
        }
        return model.pod(text.substring(0, slash), text.substring(slash + 1))
                .<Endpoint>map(Endpoint.PodEndpoint::new)
                .orElseThrow(() -> new IllegalArgumentException(name + " \"" + text + "\": no such pod in the manifests"));
    }

    public static Map<String, Object> answer(Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", v.from().id());
        m.put("to", v.to().id());
        m.put("port", v.port().number());
        m.put("protocol", v.port().protocol().name());
        m.put("reachable", v.reachable());
        m.put("egress", side(v.egress()));
        m.put("ingress", side(v.ingress()));
        return m;
    }

    private static Map<String, Object> side(SideVerdict s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allowed", s.allowed());
        m.put("reason", s.reason().name());
        m.put("isolated", s.isolated());
        m.put("isolatedBy", s.isolatedBy());
        m.put("allowedBy", s.allowedBy().stream().map(NetworkCommand::rule).toList());
        return m;
    }

    private static Map<String, Object> rule(SideVerdict.RuleRef r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", r.policy());
        m.put("rule", r.index());
        return m;
    }
}
