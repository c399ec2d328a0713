package io.pgcdc.connector.source.signal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConditionTextTest {
  @Test
  void acceptsExpressionsWithParenthesesInsideLiteralsAndNames() {
    assertThat(ConditionText.problem("id > 5 AND (v < 3 OR v IS NULL)")).isNull();
    assertThat(ConditionText.problem("name = ')' AND \"odd)name\" = 'it''s'")).isNull();
    assertThat(ConditionText.problem("note = $x$ ) ; -- $x$ AND n = $$(($$")).isNull();
    assertThat(ConditionText.problem("note = E'\\')' ")).isNull();
    assertThat(ConditionText.problem("a$b$ = 1 AND id IN (SELECT 1)")).isNull();
  }

  @Test
  void rejectsWhatCouldEndTheWhereItIsPutInto() {
    assertThat(ConditionText.problem("true) UNION SELECT * FROM secrets WHERE (true"))
        .contains("closing parenthesis");
    assertThat(ConditionText.problem("(true")).contains("not closed");
    assertThat(ConditionText.problem("true; DROP TABLE t")).contains("semicolon");
    assertThat(ConditionText.problem("true -- )")).contains("comment");
    assertThat(ConditionText.problem("true /* ) */")).contains("comment");
    assertThat(ConditionText.problem("x = 'open")).contains("string literal");
    assertThat(ConditionText.problem("x = $q$ open")).contains("dollar");
    assertThat(ConditionText.problem("  ")).contains("empty");
  }

  @Test
  void aNameEndingInEBeforeAQuoteIsNotAnEscapeString() {
    // PostgreSQL reads xe'\' as the name xe and the string '\': the ) after it is outside.
    assertThat(ConditionText.problem("xe'\\') OR (true")).contains("closing parenthesis");
    assertThat(ConditionText.problem("x = e'\\')'")).isNull();
  }
}
