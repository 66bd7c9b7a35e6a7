package io.vigil.job.rules;

import java.io.Serializable;
import java.util.regex.Pattern;

/** A shell-style pattern on device ids or zones: {@code *} any run of characters, {@code ?} one character. */
public final class Glob implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final Glob ANY = new Glob("*");

    private final String text;
    private final Pattern regex;

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
    }

    public boolean matches(String value) {
        return value != null && regex.matcher(value).matches();
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
