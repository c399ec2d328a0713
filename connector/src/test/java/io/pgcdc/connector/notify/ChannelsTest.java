package io.pgcdc.connector.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChannelsTest {
  @Test
  void namesAreTakenExactlyAsWrittenCaseIncluded() {
    assertThat(Channels.parse(" orders , CacheInvalidate,été").names())
        .containsExactly("orders", "CacheInvalidate", "été");
  }

  @Test
  void quotedNamesMayHoldCommasQuotesAndEdgeSpaces() {
    assertThat(Channels.parse("\"a, b\", \"say \"\"hi\"\"\" ,\" padded \"").names())
        .containsExactly("a, b", "say \"hi\"", " padded ");
  }

  @Test
  void listenQuotesTheName() {
    assertThat(Channels.listen("My \"Chan\"")).isEqualTo("LISTEN \"My \"\"Chan\"\"\"");
  }

  @Test
  void badListsSayWhatIsWrong() {
    assertThatThrownBy(() -> Channels.parse("")).hasMessageContaining("at least one");
    assertThatThrownBy(() -> Channels.parse("a,,b")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Channels.parse("a,b,a")).hasMessageContaining("'a' is listed twice");
    assertThatThrownBy(() -> Channels.parse("a\"b")).hasMessageContaining("double quote");
    assertThatThrownBy(() -> Channels.parse("\"open")).hasMessageContaining("no closing");
    assertThatThrownBy(() -> Channels.parse("\"x\" y")).hasMessageContaining("expected a comma");
    assertThatThrownBy(() -> Channels.parse("x".repeat(64))).hasMessageContaining("64 bytes");
    // 63 bytes are fine, counted in UTF-8
    assertThat(Channels.parse("x".repeat(63)).names()).hasSize(1);
    assertThatThrownBy(() -> Channels.parse("é".repeat(32))).hasMessageContaining("64 bytes");
  }
}
