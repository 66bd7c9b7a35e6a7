package io.vigil.app.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SafeTextTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void printableUtf8IsShownAsTextOnOneLine() {
        assertThat(SafeText.payload(utf8("{\"metric\":\"水位\",\n\t\"value\":4.5}"), 240))
                .isEqualTo("text, 33 bytes: {\"metric\":\"水位\",\\n\\t\"value\":4.5}");
    }

    @Test
    void terminalEscapesInvalidUtf8AndInvisibleOverridesAreShownAsHex() {
        assertThat(SafeText.payload(new byte[] {0x1b, '[', '3', '1', 'm', 'x'}, 240))
                .isEqualTo("binary, 6 bytes: 1b 5b 33 31 6d 78");
        assertThat(SafeText.payload(new byte[] {'o', 'k', (byte) 0xc3}, 240)).isEqualTo("binary, 3 bytes: 6f 6b c3");
        assertThat(SafeText.payload(utf8("abc\u202Edef"), 240)).startsWith("binary, 9 bytes: 61 62 63 e2 80 ae");
        assertThat(SafeText.payload(new byte[] {(byte) 0xa1, 0x61}, 240)).isEqualTo("binary, 2 bytes: a1 61");
    }

    @Test
    void longPayloadsAreCutAndEmptyOnesSaySo() {
        assertThat(SafeText.payload(utf8("x".repeat(500)), 10)).isEqualTo("text, 500 bytes: xxxxxxxxxx… (cut; --full shows all)");
        assertThat(SafeText.payload(new byte[100], 8)).isEqualTo("binary, 100 bytes: 00 00 00… (cut; --full shows all)");
        assertThat(SafeText.payload(new byte[0], 10)).isEqualTo("not kept");
    }

    @Test
    void detailsKeepTheirTextButNotTheirControlCharacters() {
        assertThat(SafeText.escaped("bad\u001b[2Jtime\n")).isEqualTo("bad\\u001b[2Jtime\\n");
        assertThat(SafeText.escaped(null)).isEqualTo("-");
    }
}
