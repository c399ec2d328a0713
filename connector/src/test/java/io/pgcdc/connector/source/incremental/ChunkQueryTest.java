package io.pgcdc.connector.source.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.record.Envelope;
import io.pgcdc.connector.source.record.TableSchema;
import io.pgcdc.connector.types.TypeResolver;
import io.pgcdc.connector.types.ValueOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkQueryTest {
  private static final TypeResolver TYPES = new TypeResolver(ValueOptions.defaults());

  /** public."Order" (v text, region text, id int4), keyed by (region, id). */
  private static final TableSchema T =
      new TableSchema(
          new TableId("public", "Order"),
          "db.public.Order",
          List.of(
              new TableSchema.Column("v", 25, TYPES.forBuiltIn(25, "text")),
              new TableSchema.Column("region", 25, TYPES.forBuiltIn(25, "text")),
              new TableSchema.Column("id", 23, TYPES.forBuiltIn(23, "integer"))),
          new int[] {1, 2},
          Envelope.SOURCE_SCHEMA);

  @Test
  void theFirstChunkStartsAtTheSmallestKey() {
    assertThat(ChunkQuery.copy(T, null, 100))
        .isEqualTo(
            "COPY (SELECT \"v\", \"region\", \"id\" FROM \"public\".\"Order\""
                + " ORDER BY \"region\", \"id\" LIMIT 100) TO STDOUT");
  }

  @Test
  void aLaterChunkStartsAfterTheLastKeyAsTypedLiterals() {
    assertThat(ChunkQuery.copy(T, List.of("it's", "42"), 100))
        .isEqualTo(
            "COPY (SELECT \"v\", \"region\", \"id\" FROM \"public\".\"Order\""
                + " WHERE (\"region\", \"id\") > ('it''s'::text, '42'::integer)"
                + " ORDER BY \"region\", \"id\" LIMIT 100) TO STDOUT");
  }

  @Test
  void aConditionStandsOnLinesOfItsOwnBeforeTheKeyRange() {
    assertThat(ChunkQuery.copy(T, List.of("eu", "7"), 10, "v <> 'x' -- note"))
        .isEqualTo(
            "COPY (SELECT \"v\", \"region\", \"id\" FROM \"public\".\"Order\""
                + " WHERE (\nv <> 'x' -- note\n) AND (\"region\", \"id\") > ('eu'::text, '7'::integer)"
                + " ORDER BY \"region\", \"id\" LIMIT 10) TO STDOUT");
    assertThat(ChunkQuery.copy(T, null, 10, "id > 5"))
        .contains("\"Order\" WHERE (\nid > 5\n) ORDER BY");
  }
}
