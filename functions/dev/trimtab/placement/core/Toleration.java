package dev.trimtab.placement.core;

import java.util.List;

/**
 * A pod toleration. Operator {@code Exists} or {@code Equal} (empty means Equal); an empty key with
 * Exists tolerates everything; an empty effect matches every effect ({@code Toleration.ToleratesTaint}).
 */
public record Toleration(String key, String operator, String value, String effect) {
    public Toleration {
        key = key == null ? "" : key;
        operator = operator == null ? "" : operator;
        value = value == null ? "" : value;
        effect = effect == null ? "" : effect;
    }

    public boolean tolerates(Taint taint) {
        if (!effect.isEmpty() && !effect.equals(taint.effect())) {
            return false;
        }
        if (!key.isEmpty() && !key.equals(taint.key())) {
            return false;
        }
        return switch (operator) {
            case "", "Equal" -> value.equals(taint.value());
            case "Exists" -> true;
            default -> false;
        };
    }

    static boolean anyTolerates(List<Toleration> tolerations, Taint taint) {
        for (Toleration t : tolerations) {
            if (t.tolerates(taint)) {
                return true;
            }
        }
        return false;
    }
}
