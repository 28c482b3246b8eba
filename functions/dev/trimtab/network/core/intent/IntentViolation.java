package dev.trimtab.network.core.intent;

import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.SideVerdict;
import java.util.List;

/**
 * One way the cluster breaks rule {@code ruleIndex} (0-based in {@code spec.rules}) of intent
 * {@code intent}.
 *
 * <ul>
 *   <li>{@link Code#NotIsolated}: a {@code defaultDeny} pod ({@code to} for Ingress, {@code from}
 *       for Egress; the other end is {@code *}) that no policy isolates for {@code direction};
 *       {@code port} is null (every port).</li>
 *   <li>{@link Code#AllowedFlow}: a flow the rule forbids is allowed; {@code allowedBy} lists the
 *       rules that allow it on either side (a side that is not isolated allows without a rule, and
 *       {@code direction} then names that side).</li>
 *   <li>{@link Code#BlockedFlow}: a flow the rule requires is denied; {@code blockedBy} lists the
 *       policies isolating the side(s) that deny it, and {@code direction} the denying side
 *       (Ingress when both deny).</li>
 * </ul>
 * {@code from} and {@code to} are {@code ns/pod} or an address.
 */
public record IntentViolation(
        String intent,
        NetworkIntent.Mode mode,
        int ruleIndex,
        String ruleKind,
        Code code,
        String from,
        String to,
        Port port,
        Direction direction,
        List<SideVerdict.RuleRef> allowedBy,
        List<String> blockedBy,
        String message) {

    /** The names are stable: they appear in answers. */
    public enum Code {
        NotIsolated,
        AllowedFlow,
        BlockedFlow
    }

    /** What makes two violations the same one, whatever the policies and the message now say. */
    public record Key(
            String intent, int ruleIndex, Code code, String from, String to, Port port, Direction direction) {}

    public Key key() {
        return new Key(intent, ruleIndex, code, from, to, port, direction);
    }

    public IntentViolation {
        allowedBy = List.copyOf(allowedBy);
        blockedBy = List.copyOf(blockedBy);
    }

    /** {@code NetworkIntent metrics spec.rules[0] (onlyFrom)}: where messages point. */
    public String where() {
        return NetworkIntent.KIND + " " + intent + " spec.rules[" + ruleIndex + "] (" + ruleKind + ")";
    }

    /** {@code ns/a -> ns/b 9090/TCP}, with {@code *} for an unknown end or port. */
    public String flow() {
        return from + " -> " + to + " " + (port == null ? "*" : port.toString());
    }
}
