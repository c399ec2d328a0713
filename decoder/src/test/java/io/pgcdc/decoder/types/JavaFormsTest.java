package io.pgcdc.decoder.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.decoder.DecodeException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each type converts to its exact Java form, specials included, and writes back as PostgreSQL
 * reads.
 */
class JavaFormsTest {

  private final PgTypes types = PgTypes.builtIn();

  private Object text(int oid, String t) {
    return types.decodeText(oid, t);
  }

  @Test
  void numbersKeepEveryDigitAndTheirSpecials() {
    assertThat(text(1700, "-123456789012345678901234567890.000000001"))
        .isEqualTo(new BigDecimal("-123456789012345678901234567890.000000001"));
    assertThat(text(1700, "0.00")).isEqualTo(new BigDecimal("0.00"));
    assertThat(text(1700, "NaN")).isEqualTo(PgSpecial.NAN);
    assertThat(text(1700, "-Infinity")).isEqualTo(PgSpecial.NEGATIVE_INFINITY);
    assertThat(types.encodeText(1700, PgSpecial.INFINITY)).isEqualTo("Infinity");
    assertThat(types.encodeText(1700, new BigDecimal("1E+20"))).isEqualTo("100000000000000000000");
    assertThat(text(701, "NaN")).isEqualTo(Double.NaN);
    assertThat(text(700, "-Infinity")).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(text(700, "0.1")).isEqualTo(0.1f);
    assertThat(text(21, "-32768")).isEqualTo((short) -32768);
    assertThat(text(20, "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(text(26, "4294967295")).isEqualTo(4294967295L);
    assertThat(text(790, "-$1,234.56")).isEqualTo(new BigDecimal("-1234.56"));
    assertThat(text(16, "t")).isEqualTo(true);
    assertThatThrownBy(() -> text(23, "2147483648"))
        .isInstanceOf(DecodeException.class)
        .hasMessage("int4: expected an integer from -2147483648 to 2147483647, got '2147483648'");
    assertThatThrownBy(() -> text(701, "0x1p3")).isInstanceOf(DecodeException.class);
  }

  @Test
  void datesAndTimesKeepBcInfinityAndOffsets() {
    assertThat(text(1082, "0044-03-15 BC")).isEqualTo(LocalDate.of(-43, 3, 15));
    assertThat(types.encodeText(1082, LocalDate.of(-43, 3, 15))).isEqualTo("0044-03-15 BC");
    assertThat(text(1082, "275760-09-13")).isEqualTo(LocalDate.of(275760, 9, 13));
    assertThat(text(1082, "infinity")).isEqualTo(PgSpecial.INFINITY);
    assertThat(text(1114, "-infinity")).isEqualTo(PgSpecial.NEGATIVE_INFINITY);
    assertThat(text(1114, "2021-06-01 12:34:56.789"))
        .isEqualTo(LocalDateTime.of(2021, 6, 1, 12, 34, 56, 789_000_000));
    assertThat(text(1184, "2021-06-01 12:34:56.5+02"))
        .isEqualTo(OffsetDateTime.of(2021, 6, 1, 10, 34, 56, 500_000_000, ZoneOffset.UTC));
    assertThat(text(1184, "1850-01-01 00:00:00+00:19:32"))
        .isEqualTo(OffsetDateTime.of(1849, 12, 31, 23, 40, 28, 0, ZoneOffset.UTC));
    assertThat(types.encodeText(1184, OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 0, ZoneOffset.UTC)))
        .isEqualTo("0044-03-15 12:00:00+00:00 BC");
    assertThat(text(1083, "24:00:00")).isEqualTo(LocalTime.MAX);
    assertThat(types.encodeText(1083, LocalTime.MAX)).isEqualTo("24:00:00");
    assertThat(text(1266, "12:00:00+05:30"))
        .isEqualTo(OffsetTime.of(12, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)));
    assertThat(
            types.encodeText(1266, OffsetTime.of(23, 59, 59, 500_000_000, ZoneOffset.ofHours(-8))))
        .isEqualTo("23:59:59.5-08:00");
    assertThatThrownBy(() -> text(1184, "999999999-12-31 24:00:00-01"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("timestamptz: expected");
    assertThatThrownBy(() -> text(1082, "2021-02-30"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("date: expected YYYY-MM-DD");
  }

  @Test
  void intervalsKeepMonthsDaysAndMicrosApart() {
    assertThat(text(1186, "1 year 2 mons -3 days +04:05:06.7"))
        .isEqualTo(new PgInterval(14, -3, 14_706_700_000L));
    assertThat(text(1186, "P1Y2M-3DT4H5M6.7S")).isEqualTo(new PgInterval(14, -3, 14_706_700_000L));
    assertThat(text(1186, "-00:00:01.5")).isEqualTo(new PgInterval(0, 0, -1_500_000));
    assertThat(types.encodeText(1186, new PgInterval(0, -1, 3_600_000_000L)))
        .isEqualTo("-1 days +01:00:00");
    assertThat(types.encodeText(1186, new PgInterval(0, 0, 0))).isEqualTo("00:00:00");
    assertThat(types.encodeText(1186, new PgInterval(1, 0, Long.MIN_VALUE)))
        .isEqualTo("1 mons -2562047788:00:54.775808");
    assertThat(text(1186, "-2562047788:00:54.775808"))
        .isEqualTo(new PgInterval(0, 0, Long.MIN_VALUE));
    assertThat(text(1186, "2562047788:00:54.775807"))
        .isEqualTo(new PgInterval(0, 0, Long.MAX_VALUE));
    for (String tooBig :
        List.of(
            "2562047788:00:54.775808",
            "999999999999999999 years",
            "P999999999999999999Y",
            "2147483648 days",
            "PT9999999999999999H")) {
      assertThatThrownBy(() -> text(1186, tooBig))
          .as(tooBig)
          .isInstanceOf(DecodeException.class)
          .hasMessageStartingWith("interval: expected");
    }
  }

  @Test
  void textTypesKeepTheirExactText() {
    assertThat(text(1042, "ab   ")).isEqualTo("ab   ");
    assertThat(text(17, "\\x00ff5c27")).isEqualTo(new byte[] {0, -1, 0x5c, 0x27});
    assertThat(text(17, "\\000\\377\\\\'")).isEqualTo(new byte[] {0, -1, 0x5c, 0x27});
    assertThat(types.encodeText(17, new byte[] {0, -1})).isEqualTo("\\x00ff");
  }

  @Test
  void builtInTypesWithoutACodecAreKnownAndKeepTheirExactText() {
    String uuid = "A0EEBC99-9c0b-4ef8-bb6d-6bb9bd380a11";
    assertThat(types.isKnown(2950)).isTrue();
    assertThat(text(2950, uuid)).isEqualTo(uuid);
    assertThat(types.encodeText(2950, uuid)).isEqualTo(uuid);
    assertThat(types.typeName(2950)).isEqualTo("uuid");
    assertThat(types.typeName(6150)).isEqualTo("int4multirange[]");
    assertThat(text(869, " 192.168.0.1/24")).isEqualTo(" 192.168.0.1/24");
    assertThat(text(3802, "{\"a\": [1, 2]}")).isEqualTo("{\"a\": [1, 2]}");
    assertThat(text(1020, "{(1,1),(0,0);(2,2),(1,1)}")).isEqualTo("{(1,1),(0,0);(2,2),(1,1)}");
    assertThat(text(2951, "{" + uuid + ",NULL}")).isEqualTo("{" + uuid + ",NULL}");
    // What a connector does with such an array: text[] splits it into its elements' texts.
    assertThat(text(1009, "{" + uuid + ",NULL,\"[1,3)\"}"))
        .isEqualTo(PgArray.of(uuid, null, "[1,3)"));
    assertThatThrownBy(() -> types.encodeText(2950, java.util.UUID.fromString(uuid)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uuid: cannot write a java.util.UUID as uuid; expected String");
  }

  /** Every array type of the types built in before the codecs were pruned (issue 12), still. */
  @Test
  void everyBuiltInArrayTypeKnowsItsElementType() {
    int[][] elementAndArray = {
      {16, 1000},
      {17, 1001},
      {18, 1002},
      {19, 1003},
      {20, 1016},
      {21, 1005},
      {23, 1007},
      {25, 1009},
      {26, 1028},
      {114, 199},
      {142, 143},
      {600, 1017},
      {601, 1018},
      {602, 1019},
      {603, 1020},
      {604, 1027},
      {628, 629},
      {650, 651},
      {700, 1021},
      {701, 1022},
      {718, 719},
      {774, 775},
      {790, 791},
      {829, 1040},
      {869, 1041},
      {1042, 1014},
      {1043, 1015},
      {1082, 1182},
      {1083, 1183},
      {1114, 1115},
      {1184, 1185},
      {1186, 1187},
      {1266, 1270},
      {1560, 1561},
      {1562, 1563},
      {1700, 1231},
      {2950, 2951},
      {3220, 3221},
      {3614, 3643},
      {3615, 3645},
      {3802, 3807},
      {4072, 4073},
      {3904, 3905},
      {3906, 3907},
      {3908, 3909},
      {3910, 3911},
      {3912, 3913},
      {3926, 3927},
      {4451, 6150},
      {4532, 6151},
      {4533, 6152},
      {4534, 6153},
      {4535, 6155},
      {4536, 6157}
    };
    for (int[] pair : elementAndArray) {
      assertThat(types.elementOid(pair[1])).as("array " + pair[1]).isEqualTo(pair[0]);
      assertThat(types.elementOid(pair[0])).as("not an array: " + pair[0]).isZero();
      assertThat(types.isKnown(pair[0]) && types.isKnown(pair[1])).as("" + pair[0]).isTrue();
      assertThat(types.typeName(pair[1])).isEqualTo(types.typeName(pair[0]) + "[]");
    }
    int known = 0;
    for (int oid = 0; oid < 16384; oid++) {
      known += types.isKnown(oid) ? 1 : 0;
    }
    assertThat(known).isEqualTo(2 * elementAndArray.length);
  }

  @Test
  void arraysKeepDimensionsBoundsNullsAndQuoting() {
    PgArray a = (PgArray) text(1007, "[0:1][2:3]={{1,2},{3,4}}");
    assertThat(a.dimensions()).containsExactly(2, 2);
    assertThat(a.lowerBounds()).containsExactly(0, 2);
    assertThat(a.elements()).containsExactly(1, 2, 3, 4);
    assertThat(types.encodeText(1007, a)).isEqualTo("[0:1][2:3]={{1,2},{3,4}}");
    PgArray t = (PgArray) text(1009, "{\"a b\",\"c\\\"d\",\"e\\\\f\",\"\",\"NULL\",NULL,\"{x}\"}");
    assertThat(t.elements()).containsExactly("a b", "c\"d", "e\\f", "", "NULL", null, "{x}");
    assertThat(types.encodeText(1009, t))
        .isEqualTo("{\"a b\",\"c\\\"d\",\"e\\\\f\",\"\",\"NULL\",NULL,\"{x}\"}");
    assertThat(text(1007, "{}")).isEqualTo(PgArray.of());
    PgArray ts = (PgArray) text(1185, "{\"2021-01-01 00:00:00+00\",infinity}");
    assertThat(ts.elements().get(1)).isEqualTo(PgSpecial.INFINITY);
    PgArray numbers = (PgArray) text(1231, "{{1.5,NaN},{NULL,-Infinity}}");
    assertThat(numbers.elements())
        .isEqualTo(
            Arrays.asList(new BigDecimal("1.5"), PgSpecial.NAN, null, PgSpecial.NEGATIVE_INFINITY));
    assertThatThrownBy(() -> text(1007, "{{1,2},{3}}"))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("sub-arrays of equal size");
    assertThatThrownBy(() -> text(1007, "{{1,2},3}")).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> text(1007, "{1,{2}}")).isInstanceOf(DecodeException.class);
  }

  @Test
  void enumsDomainsAndTheirArraysResolveThroughRegistration() {
    PgTypes t = PgTypes.builtIn();
    t.registerEnum(16400, "mood").registerArray(16399, 16400);
    t.registerDomain(16410, 1700).registerArray(16409, 16410);
    assertThat(t.decodeText(16400, "happy")).isEqualTo("happy");
    assertThat(t.decodeText(16399, "{happy,sad}")).isEqualTo(PgArray.of("happy", "sad"));
    assertThat(t.decodeText(16410, "1.50")).isEqualTo(new BigDecimal("1.50"));
    assertThat(t.decodeText(16409, "{1.50}")).isEqualTo(PgArray.of(new BigDecimal("1.50")));
    assertThat(t.typeName(16409)).isEqualTo("numeric[]");
    assertThat(t.elementOid(16409)).isEqualTo(16410);
    assertThat(t.elementOid(1007)).as("int4[]").isEqualTo(23);
    assertThat(t.elementOid(23)).as("not an array").isZero();
    assertThat(t.elementOid(99999)).as("unknown").isZero();
    // A domain over a type without a codec, and its array: known, their values their text.
    t.registerDomain(16420, 2950).registerArray(16419, 16420);
    assertThat(t.isKnown(16419)).isTrue();
    assertThat(t.elementOid(16419)).isEqualTo(16420);
    assertThat(t.typeName(16419)).isEqualTo("uuid[]");
    assertThat(t.decodeText(16419, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"))
        .isEqualTo("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}");
    assertThatThrownBy(() -> t.registerDomain(16430, 99999))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not known");
    assertThatThrownBy(() -> t.registerEnum(23, "int4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("built in");
  }

  @Test
  void hstoreIsAMapOfItsPairsAndPrintsBackAsTheServerDoes() {
    PgTypes t = PgTypes.builtIn().registerHstore(16500);
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("a", "1");
    expected.put("q\"b\\", "x, y=>z");
    expected.put("n", null);
    String text = "\"a\"=>\"1\", \"q\\\"b\\\\\"=>\"x, y=>z\", \"n\"=>NULL";
    assertThat(t.decodeText(16500, text)).isEqualTo(expected);
    assertThat(t.encodeText(16500, expected)).isEqualTo(text);
    assertThat(t.decodeText(16500, "")).isEqualTo(Map.of());
    Map<String, String> unquoted = new java.util.LinkedHashMap<>();
    unquoted.put("a", "b");
    unquoted.put("c", null);
    unquoted.put("d", "NULL");
    assertThat(t.decodeText(16500, " a => b ,c=>NULL, d=>\"NULL\"")).isEqualTo(unquoted);
    assertThatThrownBy(() -> t.decodeText(16500, "\"a\"=\"1\""))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("'=>' after the key");
    assertThatThrownBy(() -> t.decodeText(16500, "\"a\"=>\"1"))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("closing");
    assertThatThrownBy(() -> t.decodeText(16500, "a=>b,"))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("a pair after ','");
  }

  @Test
  void unknownTypesPassTheirExactText() {
    assertThat(types.decodeText(99999, " (1,\"x y\") ")).isEqualTo(" (1,\"x y\") ");
    assertThat(types.encodeText(99999, "(1,2)")).isEqualTo("(1,2)");
    assertThat(types.isKnown(99999)).isFalse();
    assertThat(types.typeName(99999)).isEqualTo("unknown type OID 99999");
  }

  @Test
  void encodingAValueOfTheWrongClassNamesTypeAndClass() {
    assertThatThrownBy(() -> types.encodeText(1186, "1 day"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval: cannot write a java.lang.String as interval; expected PgInterval");
  }
}
