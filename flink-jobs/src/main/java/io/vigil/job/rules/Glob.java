package io.vigil.job.rules;

import java.io.Serializable;
import java.util.regex.Pattern;

/** A shell-style pattern on device ids or zones: {@code *} any run of characters, {@code ?} one character. */
public final class Glob implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final Glob ANY = new Glob("*");

    private final String text;
    private final Pattern regex;
    /**
     * The common shapes without a regex ({@code *}, {@code literal}, {@code prefix*}, {@code *suffix}): every
     * reading is matched against its rules' globs in the matcher and again in each detector, and the regex was a
     * visible share of the job's CPU in the profile of {@code bin/vigil bench job}.
     */
    private final Shape shape;
    private final String fixed;

    private enum Shape { ANY, EXACT, PREFIX, SUFFIX, REGEX }

    public Glob(String text) {
        this.text = text;
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        this.regex = Pattern.compile(re.toString(), Pattern.DOTALL);
        int stars = (int) text.chars().filter(c -> c == '*').count();
        boolean plain = text.indexOf('?') < 0;
        if (plain && text.equals("*")) {
            shape = Shape.ANY;
            fixed = "";
        } else if (plain && stars == 0) {
            shape = Shape.EXACT;
            fixed = text;
        } else if (plain && stars == 1 && text.endsWith("*")) {
            shape = Shape.PREFIX;
            fixed = text.substring(0, text.length() - 1);
        } else if (plain && stars == 1 && text.startsWith("*")) {
            shape = Shape.SUFFIX;
            fixed = text.substring(1);
        } else {
            shape = Shape.REGEX;
            fixed = "";
        }
    }

    public boolean matches(String value) {
        if (value == null) {
            return false;
        }
        return switch (shape) {
            case ANY -> true;
            case EXACT -> value.equals(fixed);
            case PREFIX -> value.startsWith(fixed);
            case SUFFIX -> value.endsWith(fixed);
            case REGEX -> regex.matcher(value).matches();
        };
    }

    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && g.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
