package io.pgcdc.connector.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonPayloadTest {
  @Test
  void readsObjectsArraysAndScalarsAsSchemalessValues() throws Exception {
    Object value =
        JsonPayload.parse(
                "{\"id\": 7, \"big\": 12345678901234567890, \"x\": 1.5,"
                    + " \"tags\": [\"a\", null, true], \"nested\": {\"q\": \"\\\"\\n\"}}")
            .value();

    assertThat(value)
        .isEqualTo(
            Map.of(
                "id",
                7L,
                "big",
                1.2345678901234567e19,
                "x",
                1.5,
                "tags",
                java.util.Arrays.asList("a", null, true),
                "nested",
                Map.of("q", "\"\n")));
    assertThat(JsonPayload.parse("[1]").value()).isEqualTo(List.of(1L));
    assertThat(JsonPayload.parse("\"s\"").value()).isEqualTo("s");
  }

  @Test
  void aFieldIsKeyTextStringsAsTheyAreOthersAsJson() throws Exception {
    JsonPayload p = JsonPayload.parse("{\"s\": \"k1\", \"n\": 42, \"o\": {\"a\": 1}, \"z\": null}");

    assertThat(p.field("s")).isEqualTo("k1");
    assertThat(p.field("n")).isEqualTo("42");
    assertThat(p.field("o")).isEqualTo("{\"a\":1}");
    assertThat(p.field("z")).isNull();
    assertThat(p.field("missing")).isNull();
    assertThat(JsonPayload.parse("[1]").field("s")).isNull();
  }

  @Test
  void notJsonNamesWhere() {
    assertThatThrownBy(() -> JsonPayload.parse("{\"a\": 1"))
        .isInstanceOf(JsonPayload.NotJsonException.class)
        .hasMessageContaining("not JSON at line 1");
    assertThatThrownBy(() -> JsonPayload.parse("hello"))
        .hasMessageStartingWith("the payload is not JSON");
    assertThatThrownBy(() -> JsonPayload.parse("{} trailing"))
        .hasMessageStartingWith("the payload is not JSON");
    assertThatThrownBy(() -> JsonPayload.parse("  ")).hasMessageContaining("empty");
  }
}
