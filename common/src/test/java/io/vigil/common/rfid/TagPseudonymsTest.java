package io.vigil.common.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TagPseudonymsTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Test
    void stableForOneKeyDifferentForAnother() {
        TagPseudonyms a = new TagPseudonyms(KEY);
        String p = a.pseudonym("E2801160600002");
        assertThat(p).matches("p-[0-9a-f]{32}").doesNotContain("E2801160600002");
        assertThat(new TagPseudonyms(KEY).pseudonym("E2801160600002")).isEqualTo(p);
        assertThat(a.pseudonym("E2801160600003")).isNotEqualTo(p);
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertThat(new TagPseudonyms(other).pseudonym("E2801160600002")).isNotEqualTo(p);
    }

    @Test
    void isTruncatedHmacSha256() {
        // value from Python: hmac.new(b'vigil-demo-pseudonym-key', b'tag-1', hashlib.sha256).hexdigest()[:32]
        String p = new TagPseudonyms("vigil-demo-pseudonym-key".getBytes(StandardCharsets.US_ASCII)).pseudonym("tag-1");
        assertThat(p).isEqualTo("p-87596e80a67518bd60afd03832749dee");
    }

    @Test
    void refusesShortKeys() {
        assertThatThrownBy(() -> new TagPseudonyms(new byte[8])).isInstanceOf(IllegalArgumentException.class);
    }
}
