package dev.trimtab.policy.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity as CEL's {@code kubernetes.Quantity} sees it: an exact decimal,
 * parsed with the API's grammar (decimal SI suffixes n u m k M G T P E, binary Ki … Ei, or an
 * exponent e/E), equal to another when their values are equal ({@code 1Gi == 1024Mi}).
 */
final class KubeQuantity implements Comparable<KubeQuantity> {
    private static final Pattern FORMAT = Pattern.compile("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))"
            + "(|n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)$");
    final BigDecimal value;

    KubeQuantity(BigDecimal value) {
        this.value = value;
    }

    static KubeQuantity parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (text.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("quantities must match the regular expression "
                    + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2);
        BigDecimal scale = switch (suffix) {
            case "" -> BigDecimal.ONE;
            case "n" -> BigDecimal.ONE.movePointLeft(9);
            case "u" -> BigDecimal.ONE.movePointLeft(6);
            case "m" -> BigDecimal.ONE.movePointLeft(3);
            case "k" -> BigDecimal.ONE.movePointRight(3);
            case "M" -> BigDecimal.ONE.movePointRight(6);
            case "G" -> BigDecimal.ONE.movePointRight(9);
            case "T" -> BigDecimal.ONE.movePointRight(12);
            case "P" -> BigDecimal.ONE.movePointRight(15);
            case "E" -> BigDecimal.ONE.movePointRight(18);
            case "Ki" -> new BigDecimal(BigInteger.TWO.pow(10));
            case "Mi" -> new BigDecimal(BigInteger.TWO.pow(20));
            case "Gi" -> new BigDecimal(BigInteger.TWO.pow(30));
            case "Ti" -> new BigDecimal(BigInteger.TWO.pow(40));
            case "Pi" -> new BigDecimal(BigInteger.TWO.pow(50));
            case "Ei" -> new BigDecimal(BigInteger.TWO.pow(60));
            default -> BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        };
        return new KubeQuantity(number.multiply(scale));
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
