package dev.trimtab.policy.core;

import dev.trimtab.kube.Quantity;
import java.math.BigDecimal;

/**
 * A Kubernetes resource quantity as CEL's {@code kubernetes.Quantity} sees it: an exact decimal,
 * parsed with the API's grammar (decimal SI suffixes n u m k M G T P E, binary Ki … Ei, or an
 * exponent e/E), equal to another when their values are equal ({@code 1Gi == 1024Mi}).
 */
final class KubeQuantity implements Comparable<KubeQuantity> {
    final BigDecimal value;

    KubeQuantity(BigDecimal value) {
        this.value = value;
    }

    /**
     * Parses with the API's grammar and Trimtab's bounds ({@link Quantity}: at most 100 characters,
     * exponent within ±100), so a policy expression over hostile input stays cheap.
     */
    static KubeQuantity parse(String text) {
        try {
            return new KubeQuantity(Quantity.decimal(text));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().contains("is not a Kubernetes quantity")) {
                throw new IllegalArgumentException("quantities must match the regular expression "
                        + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            }
            throw e;
        }
    }

    static boolean valid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
    }

    boolean isInteger() {
        return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }

    long asInteger() {
        if (!isInteger()) {
            throw new IllegalArgumentException("cannot convert value to integer");
        }
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("cannot convert value to integer");
        }
    }

    @Override
    public int compareTo(KubeQuantity o) {
        return value.compareTo(o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KubeQuantity q && value.compareTo(q.value) == 0;
    }

    @Override
    public int hashCode() {
        return value.stripTrailingZeros().hashCode();
    }

    @Override
    public String toString() {
        return value.stripTrailingZeros().toPlainString();
    }
}
