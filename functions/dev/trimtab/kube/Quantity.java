package dev.trimtab.kube;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Kubernetes resource quantities ("300m", "1.5", "2Gi", "1e3") with the grammar of apimachinery's
 * {@code resource.ParseQuantity}:
 * <pre>
 * quantity        ::= signedNumber suffix
 * signedNumber    ::= number | sign number          sign ::= "+" | "-"
 * number          ::= digits | digits "." digits | digits "." | "." digits
 * suffix          ::= binarySI | decimalExponent | decimalSI
 * binarySI        ::= Ki | Mi | Gi | Ti | Pi | Ei
 * decimalSI       ::= n | u | m | "" | k | M | G | T | P | E
 * decimalExponent ::= ("e" | "E") sign? digits      (upstream reads the exponent as an integer)
 * </pre>
 * No whitespace anywhere. Two bounds upstream does not have, so that no input can make the
 * arithmetic expensive (our old parser took minutes and gigabytes on {@code 1e-100000000}, a
 * hundred-million-digit power of ten): at most {@value #MAX_LENGTH} characters, and a decimal exponent within
 * ±{@value #MAX_EXPONENT}. Upstream also reads {@code "."}, {@code "+"} and {@code "-"} as zero
 * (outside its own grammar) and wraps exponents beyond int32 ({@code 1e4294967296} is 1); both are
 * rejected here. Every error names the value.
 */
public final class Quantity {
    /** The longest quantity text accepted. */
    public static final int MAX_LENGTH = 100;
    /** The largest decimal exponent accepted, either sign ({@code 1e100}, {@code 1e-100}). */
    public static final int MAX_EXPONENT = 100;

    private static final BigDecimal MAX_MILLI = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantity() {}

    /**
     * The value of a quantity, exact (no rounding to nano, no cap): the mantissa as written times
     * its suffix.
     *
     * @throws IllegalArgumentException outside the grammar or the bounds; the message names the value
     */
    public static BigDecimal decimal(String text) {
        return scan(text).value();
    }

    /**
     * Parses a quantity and returns it in milli-units, rounded up like the HPA's
     * {@code Quantity.MilliValue()}.
     *
     * @throws IllegalArgumentException outside the grammar, the bounds, or the range of int64
     *                                  milli-units (±9223372036854775.807)
     */
    public static long parseMilli(String text) {
        if (text == null) {
            throw new IllegalArgumentException("quantity is missing");
        }
        long fast = parseSimple(text);
        if (fast >= 0) {
            return fast;
        }
        BigDecimal milli = scan(text).value().movePointRight(3).setScale(0, RoundingMode.CEILING);
        if (milli.abs().compareTo(MAX_MILLI) > 0) {
            throw new IllegalArgumentException("quantity \"" + text + "\" is out of range: at most "
                    + "9223372036854775.807 either way (int64 milli-units)");
        }
        return milli.longValueExact();
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
        if (value instanceof BigDecimal d) {
            return parseMilli(d.toString());
        }
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

    /** A quantity that passed the grammar and the bounds: sign, digits, and a power of 10 or 2. */
    private record Parts(boolean negative, String digits, int fractionDigits, int base, int exponent) {
        BigDecimal value() {
            BigDecimal v = new BigDecimal(new BigInteger(digits), fractionDigits);
            v = base == 10
                    ? v.scaleByPowerOfTen(exponent)
                    : v.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(exponent)));
            return negative ? v.negate() : v;
        }
    }

    /** A hand-written scanner: linear in the (bounded) length, no regular expression backtracking. */
    private static Parts scan(String text) {
        if (text == null) {
            throw new IllegalArgumentException("quantity is missing");
        }
        int n = text.length();
        if (n > MAX_LENGTH) {
            throw new IllegalArgumentException("quantity \"" + text.substring(0, 20) + "…\" is " + n
                    + " characters long; at most " + MAX_LENGTH + " are accepted");
        }
        int i = 0;
        boolean negative = false;
        if (n > 0 && (text.charAt(0) == '+' || text.charAt(0) == '-')) {
            negative = text.charAt(0) == '-';
            i++;
        }
        int intStart = i;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
        }
        String integer = text.substring(intStart, i);
        String fraction = "";
        if (i < n && text.charAt(i) == '.') {
            int fracStart = ++i;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
            }
            fraction = text.substring(fracStart, i);
        }
        if (integer.isEmpty() && fraction.isEmpty()) {
            throw notAQuantity(text);
        }
        String suffix = text.substring(i);
        int base = 10;
        int exponent;
        switch (suffix) {
            case "" -> exponent = 0;
            case "n" -> exponent = -9;
            case "u" -> exponent = -6;
            case "m" -> exponent = -3;
            case "k" -> exponent = 3;
            case "M" -> exponent = 6;
            case "G" -> exponent = 9;
            case "T" -> exponent = 12;
            case "P" -> exponent = 15;
            case "E" -> exponent = 18;
            case "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" -> {
                base = 2;
                exponent = 10 * (1 + "KMGTPE".indexOf(suffix.charAt(0)));
            }
            default -> exponent = decimalExponent(text, suffix);
        }
        return new Parts(negative, integer + fraction, fraction.length(), base, exponent);
    }

    private static int decimalExponent(String text, String suffix) {
        if (suffix.length() < 2 || (suffix.charAt(0) != 'e' && suffix.charAt(0) != 'E')) {
            throw notAQuantity(text);
        }
        int j = 1;
        boolean negative = false;
        if (suffix.charAt(j) == '+' || suffix.charAt(j) == '-') {
            negative = suffix.charAt(j) == '-';
            j++;
        }
        if (j == suffix.length()) {
            throw notAQuantity(text);
        }
        long exponent = 0;
        for (; j < suffix.length(); j++) {
            char c = suffix.charAt(j);
            if (!isDigit(c)) {
                throw notAQuantity(text);
            }
            exponent = Math.min(exponent * 10 + (c - '0'), Integer.MAX_VALUE); // saturates; bounded below
        }
        if (exponent > MAX_EXPONENT) {
            throw new IllegalArgumentException("quantity \"" + text + "\": the exponent " + suffix.substring(1)
                    + " is out of range; at most " + MAX_EXPONENT + " either way");
        }
        return (int) (negative ? -exponent : exponent);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException notAQuantity(String text) {
        return new IllegalArgumentException(
                "\"" + text + "\" is not a Kubernetes quantity (examples: 300m, 1.5, 2Gi, 1e3)");
    }
}
