package dev.trimtab.policy.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * RFC 6902 JSON Patch over JSON-shaped maps and lists: {@link #apply} (add, remove, replace, move,
 * copy, test) on a copy, and {@link #diff}, the patch a mutating webhook answers with. Paths are
 * RFC 6901 pointers ({@code ~0} for {@code ~}, {@code ~1} for {@code /}, {@code -} past the end
 * of an array). Numbers compare by value ({@code 1 == 1.0}).
 */
public final class JsonPatch {
    /** A patch that cannot apply; the message is the API server's ("add operation does not apply: …"). */
    public static final class PatchException extends Exception {
        PatchException(String message) {
            super(message, null, false, false);
        }
    }

    /** A {@code test} operation failed: the API server then leaves the object as it was, without error. */
    public static final class TestFailed extends Exception {
        TestFailed() {
            super(null, null, false, false);
        }
    }

    private JsonPatch() {}

    /** {@code doc} patched (a new object; {@code doc} is not changed). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> apply(Map<String, Object> doc, List<Map<String, Object>> ops)
            throws PatchException, TestFailed {
        Object root = copy(doc);
        for (Map<String, Object> op : ops) {
            String name = String.valueOf(op.get("op"));
            String path = op.get("path") instanceof String s ? s : null;
            if (path == null) {
                throw new PatchException(name + " operation does not apply: path is required");
            }
            List<String> tokens = pointer(path);
            switch (name) {
                case "add" -> root = add(root, tokens, copy(op.get("value")), path, name);
                case "remove" -> root = remove(root, tokens, path, name).root;
                case "replace" -> {
                    get(root, tokens, path, name);
                    root = add(remove(root, tokens, path, name).root, tokens, copy(op.get("value")), path, name);
                }
                case "move", "copy" -> {
                    String from = op.get("from") instanceof String s ? s : null;
                    if (from == null) {
                        throw new PatchException(name + " operation does not apply: from is required");
                    }
                    List<String> source = pointer(from);
                    Object value = copy(get(root, source, from, name));
                    if (name.equals("move")) {
                        root = remove(root, source, from, name).root;
                    }
                    root = add(root, tokens, value, path, name);
                }
                case "test" -> {
                    if (!same(get(root, tokens, path, name), op.get("value"))) {
                        throw new TestFailed();
                    }
                }
                default -> throw new PatchException("Unexpected kind: " + name);
            }
        }
        return (Map<String, Object>) root;
    }

    private static List<String> pointer(String path) throws PatchException {
        if (path.isEmpty()) {
            return List.of();
        }
        if (!path.startsWith("/")) {
            throw new PatchException("JSON pointer must be empty or start with a \"/\": \"" + path + "\"");
        }
        List<String> out = new ArrayList<>();
        for (String t : path.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    private static Object get(Object root, List<String> tokens, String path, String op) throws PatchException {
        Object at = root;
        for (String t : tokens) {
            if (at instanceof Map<?, ?> m && m.containsKey(t)) {
                at = m.get(t);
            } else if (at instanceof List<?> l && index(t, l.size(), false) >= 0) {
                at = l.get(index(t, l.size(), false));
            } else {
                throw new PatchException(op + " operation does not apply: doc is missing path: \"" + path + "\"");
            }
        }
        return at;
    }

    private record Removed(Object root, Object value) {}

    @SuppressWarnings("unchecked")
    private static Removed remove(Object root, List<String> tokens, String path, String op) throws PatchException {
        if (tokens.isEmpty()) {
            return new Removed(null, root);
        }
        Object parent = get(root, tokens.subList(0, tokens.size() - 1), path, op);
        String last = tokens.get(tokens.size() - 1);
        if (parent instanceof Map<?, ?> m && m.containsKey(last)) {
            return new Removed(root, ((Map<String, Object>) m).remove(last));
        }
        if (parent instanceof List<?> l) {
            int i = index(last, l.size(), false);
            if (i >= 0) {
                return new Removed(root, ((List<Object>) l).remove(i));
            }
            throw new PatchException("Unable to access invalid index: " + last);
        }
        throw new PatchException(op + " operation does not apply: doc is missing path: \"" + path + "\"");
    }

    @SuppressWarnings("unchecked")
    private static Object add(Object root, List<String> tokens, Object value, String path, String op)
            throws PatchException {
        if (tokens.isEmpty()) {
            return value;
        }
        Object parent;
        try {
            parent = get(root, tokens.subList(0, tokens.size() - 1), path, op);
        } catch (PatchException e) {
            throw new PatchException(
                    op + " operation does not apply: doc is missing path: \"" + path + "\": missing value");
        }
        String last = tokens.get(tokens.size() - 1);
        if (parent instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).put(last, value);
        } else if (parent instanceof List<?> l) {
            int i = last.equals("-") ? l.size() : index(last, l.size(), true);
            if (i < 0) {
                throw new PatchException("Unable to access invalid index: " + last);
            }
            ((List<Object>) l).add(i, value);
        } else {
            throw new PatchException(
                    op + " operation does not apply: doc is missing path: \"" + path + "\": missing value");
        }
        return root;
    }

    /** The array index {@code token} names, or -1; {@code size} itself is valid only when adding. */
    private static int index(String token, int size, boolean adding) {
        if (!token.matches("0|[1-9][0-9]{0,8}")) {
            return -1;
        }
        int i = Integer.parseInt(token);
        return i < size || (adding && i == size) ? i : -1;
    }

    /** JSON equality, numbers by value. */
    public static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !same(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    /** A deep, mutable copy of a JSON value. */
    @SuppressWarnings("unchecked")
    static <T> T copy(T v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
            m.forEach((k, val) -> out.put(String.valueOf(k), copy(val)));
            return (T) out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(e -> out.add(copy(e)));
            return (T) out;
        }
        return v;
    }

    /**
     * A patch taking {@code from} to {@code to}: per map key add, remove or replace, recursing into
     * maps; a list that differs is replaced whole (lists have no identity to diff by).
     */
    public static List<Map<String, Object>> diff(Object from, Object to) {
        List<Map<String, Object>> out = new ArrayList<>();
        diff(from, to, "", out);
        return out;
    }

    private static void diff(Object from, Object to, String path, List<Map<String, Object>> out) {
        if (same(from, to)) {
            return;
        }
        if (from instanceof Map<?, ?> a && to instanceof Map<?, ?> b) {
            for (Map.Entry<?, ?> e : a.entrySet()) {
                String p = path + "/" + escape(String.valueOf(e.getKey()));
                if (!b.containsKey(e.getKey())) {
                    out.add(op("remove", p, null, false));
                } else {
                    diff(e.getValue(), b.get(e.getKey()), p, out);
                }
            }
            for (Map.Entry<?, ?> e : b.entrySet()) {
                if (!a.containsKey(e.getKey())) {
                    out.add(op("add", path + "/" + escape(String.valueOf(e.getKey())), e.getValue(), true));
                }
            }
            return;
        }
        out.add(op("replace", path, to, true));
    }

    private static Map<String, Object> op(String op, String path, Object value, boolean withValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        if (withValue) {
            m.put("value", value);
        }
        return m;
    }

    /** A key as one RFC 6901 reference token. */
    public static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
