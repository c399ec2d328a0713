package io.pgcdc.connector.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamedParametersTest {
  private static void assertParsed(String text, String sql, String... names) {
    NamedParameters parsed = NamedParameters.parse(text);
    assertThat(parsed.sql()).isEqualTo(sql);
    assertThat(parsed.names()).containsExactly(names);
  }

  @Test
  void replacesNamesWithPlaceholdersInOrderAndRepeats() {
    assertParsed(
        "SELECT * FROM t WHERE a = :a AND b > :b_2 OR a = :a",
        "SELECT * FROM t WHERE a = ? AND b > ? OR a = ?",
        "a",
        "b_2",
        "a");
  }

  @Test
  void takesDottedPathsAsOneName() {
    assertParsed(
        "INSERT INTO t VALUES (:value.id, :header.h, :key.a.b)",
        "INSERT INTO t VALUES (?, ?, ?)",
        "value.id",
        "header.h",
        "key.a.b");
    assertParsed("SELECT :a. FROM t", "SELECT ?. FROM t", "a");
  }

  @Test
  void leavesCastsAndAssignmentsAlone() {
    assertParsed("SELECT :x::int, f(a := 1)", "SELECT ?::int, f(a := 1)", "x");
    assertParsed("SELECT now()::timestamptz(3)", "SELECT now()::timestamptz(3)");
    assertParsed("SELECT arr[1:2], arr[n:3]", "SELECT arr[1:2], arr[n:3]");
  }

  @Test
  void leavesLiteralsIdentifiersAndCommentsAlone() {
    assertParsed("SELECT ':a', 'it''s :b', :c", "SELECT ':a', 'it''s :b', ?", "c");
    assertParsed("SELECT E'\\' :a', :b", "SELECT E'\\' :a', ?", "b");
    assertParsed("SELECT e'x\\\\', :b", "SELECT e'x\\\\', ?", "b");
    assertParsed("SELECT \":a\"\"x\" FROM t", "SELECT \":a\"\"x\" FROM t");
    assertParsed("SELECT 1 -- :a\n, :b", "SELECT 1 -- :a\n, ?", "b");
    assertParsed(
        "SELECT /* :a /* nested :b */ :c */ :d", "SELECT /* :a /* nested :b */ :c */ ?", "d");
  }

  @Test
  void leavesDollarQuotedBodiesAlone() {
    assertParsed(
        "DO $$ BEGIN PERFORM :a; END $$; SELECT :b",
        "DO $$ BEGIN PERFORM :a; END $$; SELECT ?",
        "b");
    assertParsed("SELECT $fn$ :a $x$ $fn$, :b", "SELECT $fn$ :a $x$ $fn$, ?", "b");
    assertParsed("SELECT $1, a$b, :c", "SELECT $1, a$b, ?", "c");
  }

  @Test
  void doublesQuestionMarksSoTheDriverKeepsThem() {
    assertParsed(
        "SELECT doc ? 'k', doc ?| array['a'], '?' FROM t WHERE id = :id",
        "SELECT doc ?? 'k', doc ??| array['a'], '?' FROM t WHERE id = ?",
        "id");
  }

  @Test
  void saysWhereAnUnterminatedPartStarts() {
    assertThatThrownBy(() -> NamedParameters.parse("SELECT 1,\n  'abc"))
        .hasMessage("unterminated string literal starting at line 2, column 3");
    assertThatThrownBy(() -> NamedParameters.parse("SELECT $a$ x"))
        .hasMessageContaining("unterminated dollar-quoted string $a$");
    assertThatThrownBy(() -> NamedParameters.parse("SELECT /* /* */"))
        .hasMessageContaining("unterminated comment");
    assertThatThrownBy(() -> NamedParameters.parse("SELECT \"x"))
        .hasMessageContaining("unterminated quoted identifier");
  }

  @Test
  void splitsAScriptOnSemicolonsOutsideLiteralsAndBodies() {
    assertThat(
            NamedParameters.splitStatements(
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
                    + "INSERT INTO t VALUES (';'); -- a; comment\n  ;  "))
        .containsExactly(
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
            "INSERT INTO t VALUES (';')");
  }

  @Test
  void mapsAPositionOfTheDriversTextBackToTheParsedText() {
    String text = "SELECT :first, doc ? 'k',\n  :second FROM t WHERE x";
    NamedParameters parsed = NamedParameters.parse(text);
    assertThat(parsed.sql()).isEqualTo("SELECT ?, doc ?? 'k',\n  ? FROM t WHERE x");
    String sent = "SELECT $1, doc ? 'k',\n  $2 FROM t WHERE x"; // what the driver sends
    int where = sent.indexOf("WHERE") + 1;
    assertThat(parsed.sourcePosition(where)).isEqualTo(text.indexOf("WHERE") + 1);
    assertThat(parsed.sourcePosition(1)).isEqualTo(1);
    assertThat(NamedParameters.lineAndColumn(text, text.indexOf("FROM") + 1))
        .isEqualTo("line 2, column 11");
  }

  @Test
  void writesTheCastAGivenPlaceholderNeeds() {
    NamedParameters p =
        NamedParameters.parse(
            "SELECT :a, ':b', $$ :c $$, :d::text", i -> i == 0 ? "numeric(10,2)" : null);
    assertThat(p.sql()).isEqualTo("SELECT ?::numeric(10,2), ':b', $$ :c $$, ?::text");
    assertThat(p.names()).containsExactly("a", "d");
  }
}
