package io.vigil.app.deadletters;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Shows bytes a device sent on an operator's terminal without letting them act on it: text when the bytes are valid
 * UTF-8 made of visible characters (line breaks and tabs escaped onto one line), hex otherwise. Escape sequences,
 * other control characters and invisible format characters (bidirectional overrides) make a payload binary, so a
 * hostile payload can neither recolour the terminal nor hide part of itself.
 */
public final class SafeText {
    private SafeText() {}

    /** {@code text, 42 bytes: {...}} or {@code binary, 5 bytes: 00 ff 1b 5b 32}, cut after {@code maxChars}. */
    public static String payload(byte[] bytes, int maxChars) {
        if (bytes == null || bytes.length == 0) {
            return "not kept";
        }
        String text = printableText(bytes);
        if (text != null) {
            return "text, " + bytes.length + " bytes: " + cut(text, maxChars);
        }
        return "binary, " + bytes.length + " bytes: " + cut(hex(bytes), maxChars);
    }

    /**
     * A string from the dead letter itself (source topic, detail) with every character that could act on a terminal
     * written as {@code \\uXXXX}.
     */
    public static String escaped(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (visible(cp)) {
                out.appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04x", cp));
            }
        });
        return out.toString();
    }

    /** The bytes as one line of text, or null if they are not UTF-8 text a terminal shows as it is. */
    static String printableText(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        boolean printable = text.codePoints().allMatch(cp -> visible(cp) || cp == '\n' || cp == '\r' || cp == '\t');
        return printable ? escaped(text) : null;
    }

    private static boolean visible(int cp) {
        if (Character.isISOControl(cp)) {
            return false;
        }
        int type = Character.getType(cp);
        return type != Character.FORMAT && type != Character.UNASSIGNED && type != Character.PRIVATE_USE
                && type != Character.SURROGATE && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR;
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            out.append(out.isEmpty() ? "" : " ").append(Character.forDigit((b >> 4) & 0xf, 16))
                    .append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }

    private static String cut(String s, int maxChars) {
        if (s.length() <= maxChars) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return s.substring(0, end) + "… (cut; --full shows all)";
    }
}
