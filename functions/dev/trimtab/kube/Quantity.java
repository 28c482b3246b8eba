package dev.trimtab.kube;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ("300m", "1.5", "2Gi", "1e3") as milli-units, the unit the HPA
 * computes in ({@code Quantity.MilliValue()}: rounded up to the next whole milli-unit).
 */
public final class Quantity {
    private static final Pattern SYNTAX =
            Pattern.compile("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$");

    private Quantity() {}

    /** Parses a quantity and returns it in milli-units, rounded up like {@code MilliValue()}. */
    public static long parseMilli(String text) {
        if (text == null) {
            throw new IllegalArgumentException("quantity is missing");
        }
        long fast = parseSimple(text);
        if (fast >= 0) {
            return fast;
        }
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a Kubernetes quantity (examples: 300m, 1.5, 2Gi, 1e3)");
        }
        BigDecimal value = new BigDecimal(m.group(1)).multiply(multiplier(m.group(2)));
        try {
            return value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("quantity \"" + text + "\" is too large");
        }
    }

    /**
     * The common forms metrics sources send ("250m", "3", "512Mi", "2k"): digits and at most one
     * suffix, exact in long arithmetic. Returns -1 for anything else, which the general parser takes.
     */
    private static long parseSimple(String text) {
        int n = text.length();
        int digits = 0;
        long value = 0;
        while (digits < n && digits < 15) {
            char c = text.charAt(digits);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
        }
        if (digits == 0 || digits == 15) {
            return -1;
        }
        long milliPerUnit = switch (text.substring(digits)) {
            case "" -> 1000L;
            case "m" -> 1L;
            case "k" -> 1_000_000L;
            case "M" -> 1_000_000_000L;
            case "G" -> 1_000_000_000_000L;
            case "Ki" -> 1024L * 1000;
            case "Mi" -> (1L << 20) * 1000;
            case "Gi" -> (1L << 30) * 1000;
            default -> -1L;
        };
        if (milliPerUnit < 0) {
            return -1;
        }
        try {
            return Math.multiplyExact(value, milliPerUnit);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** Parses a JSON value that may be a quantity string or a plain number. */
    public static long parseMilli(Object value) {
        if (value instanceof Number n) {
            return parseMilli(n.toString());
        }
        return parseMilli(value == null ? null : value.toString());
    }

    /** Formats milli-units the way Kubernetes prints canonical decimal quantities ("1500m", "2", "0"). */
    public static String formatMilli(long milli) {
        if (milli % 1000 == 0) {
            return Long.toString(milli / 1000);
        }
        return milli + "m";
    }

    private static BigDecimal multiplier(String suffix) {
        if (suffix == null || suffix.isEmpty()) {
            return BigDecimal.ONE;
        }
        return switch (suffix) {
            case "n" -> new BigDecimal("1e-9");
            case "u" -> new BigDecimal("1e-6");
            case "m" -> new BigDecimal("1e-3");
            case "k" -> new BigDecimal("1e3");
            case "M" -> new BigDecimal("1e6");
            case "G" -> new BigDecimal("1e9");
            case "T" -> new BigDecimal("1e12");
            case "P" -> new BigDecimal("1e15");
            case "E" -> new BigDecimal("1e18");
            case "Ki" -> BigDecimal.valueOf(1L << 10);
            case "Mi" -> BigDecimal.valueOf(1L << 20);
            case "Gi" -> BigDecimal.valueOf(1L << 30);
            case "Ti" -> BigDecimal.valueOf(1L << 40);
            case "Pi" -> BigDecimal.valueOf(1L << 50);
            case "Ei" -> BigDecimal.valueOf(1L << 60);
            default -> BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        };
    }
}
