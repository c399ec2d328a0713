package io.pgcdc.connector.source.signal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignalFunctionTest {
  private final SignalFunction f = new SignalFunction("My Schema", "s1", "it's");

  @Test
  void namesAreQuotedAndTheSignatureIsWhatGrantsName() {
    assertThat(f.function()).isEqualTo("\"My Schema\".\"pgcdc_signal_s1\"");
    assertThat(f.signature()).isEqualTo("\"My Schema\".\"pgcdc_signal_s1\"(text, text[], text)");
    assertThat(f.call())
        .isEqualTo("SELECT \"My Schema\".\"pgcdc_signal_s1\"(?, ?::text[], ?)::text");
  }

  @Test
  void theFunctionRunsAsItsOwnerWithAFixedSearchPathAndQuotesThePrefix() {
    String sql = f.createFunction();
    assertThat(sql)
        .contains("SECURITY DEFINER SET search_path = pg_catalog, pg_temp")
        // The body is one literal: the prefix's quote is doubled twice (inside, then around).
        .contains("pg_logical_emit_message(false, ''it''''s''")
        .contains("FROM \"My Schema\".\"pgcdc_signal_key_s1\"");
  }
}
