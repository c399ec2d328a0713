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
}
