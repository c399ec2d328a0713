package io.pgcdc.connector.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.statement.Parameter.Root;
import org.junit.jupiter.api.Test;

class TemplateTest {
  @Test
  void namedParametersBecomePlaceholdersWithTheirRootsAndPaths() {
    Template t =
        Template.parse(
            "statement",
            "INSERT INTO audit (id, city, at, h) VALUES (:value.id, :value.address.city,"
                + " :timestamp, :header.trace)");
    assertThat(t.parameters())
        .extracting(Parameter::root)
        .containsExactly(Root.VALUE, Root.VALUE, Root.TIMESTAMP, Root.HEADER);
    assertThat(t.parameters().get(1).path()).containsExactly("address", "city");
    assertThat(t.sql(new String[4]))
        .containsExactly("INSERT INTO audit (id, city, at, h) VALUES (?, ?, ?, ?)");
  }

  @Test
  void castsFollowThePlaceholdersOfTypedValues() {
    Template t = Template.parse("statement", "UPDATE t SET a = :value.a, b = :value.b::text");
    assertThat(t.sql(new String[] {"numeric(10,2)", null}))
        .containsExactly("UPDATE t SET a = ?::numeric(10,2), b = ?::text");
    assertThat(t.sql(new String[] {null, "integer"}))
        .containsExactly("UPDATE t SET a = ?, b = ?::integer::text");
  }

  @Test
  void dollarQuotedBodiesQuotesAndCommentsAreLeftAlone() {
    String body =
        "DO $fn$ BEGIN PERFORM :value.x; END $fn$; -- :value.y\n"
            + "INSERT INTO t VALUES (E'\\' :value.z', ':op', :value.id)";
    Template t = Template.parse("statement", body);
    assertThat(t.parameters()).extracting(Parameter::name).containsExactly("value.id");
    assertThat(t.sql(new String[1]))
        .containsExactly(
            "DO $fn$ BEGIN PERFORM :value.x; END $fn$",
            "-- :value.y\nINSERT INTO t VALUES (E'\\' :value.z', ':op', ?)");
  }

  @Test
  void eachStatementHasItsOwnPlaceholdersAndCasts() {
    Template t = Template.parse("statement", "SELECT :value.a; SELECT :value.b, :value.a;");
    assertThat(t.firstParameter(0)).isZero();
    assertThat(t.firstParameter(1)).isEqualTo(1);
    assertThat(t.firstParameter(2)).isEqualTo(3);
    assertThat(t.sql(new String[] {"int", null, "text"}))
        .containsExactly("SELECT ?::int", "SELECT ?, ?::text");
  }

  @Test
  void anUnknownParameterIsAnErrorNamingTheSettingAndTheWayToWriteIt() {
    assertThatThrownBy(() -> Template.parse("statement.update", "UPDATE t SET a = :amount"))
        .hasMessageContaining("statement.update: unknown parameter :amount")
        .hasMessageContaining(":value.amount");
    assertThatThrownBy(() -> Template.parse("statement", "SELECT :topic.name"))
        .hasMessageContaining(":topic has no fields");
    assertThatThrownBy(() -> Template.parse("statement", "SELECT :header"))
        .hasMessageContaining(":header.NAME");
    assertThatThrownBy(() -> Template.parse("statement", "SELECT 'open"))
        .hasMessageContaining("statement: unterminated string literal");
  }

  @Test
  void onlyTypeNamesMayBeCastTo() {
    assertThat(Template.isTypeName("integer")).isTrue();
    assertThat(Template.isTypeName("character varying(20)")).isTrue();
    assertThat(Template.isTypeName("timestamp(3) with time zone")).isTrue();
    assertThat(Template.isTypeName("numeric(10,2)")).isTrue();
    assertThat(Template.isTypeName("public.\"My type\"[]")).isTrue();
    assertThat(Template.isTypeName("integer[][]")).isTrue();
    assertThat(Template.isTypeName("int); DROP TABLE t; --")).isFalse();
    assertThat(Template.isTypeName("text' || pg_sleep(1) || '")).isFalse();
    assertThat(Template.isTypeName("int4(select 1)")).isFalse();
    assertThat(Template.isTypeName("\"a\"\"; x")).isFalse();
  }
}
