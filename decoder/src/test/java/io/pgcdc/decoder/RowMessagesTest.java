package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Insert, Update, Delete, Truncate and their TupleData: kinds, old tuples, bad counts. */
class RowMessagesTest {

  private final PgOutputDecoder v1 = new PgOutputDecoder(1);

  private PgOutputMessage decode(Bytes b) {
    return v1.decode(b.buffer(), false);
  }

  private void fails(Bytes b, String message) {
    assertThatThrownBy(() -> decode(b)).isInstanceOf(DecodeException.class).hasMessage(message);
  }

  @Test
  void updateWithUnknownOldTupleTypeNamesFieldAndOffset() {
    fails(
        Bytes.tag('U').i32(16384).i8('X').i16(0),
        "Update.oldTuple: expected tuple type K, O or N, got 'X' at offset 5");
  }

  @Test
  void updateWithOldTupleNeedsNewTupleAfterIt() {
    fails(
        Bytes.tag('U').i32(1).i8('O').i16(1).i8('n').i8('K').i16(0),
        "Update.newTuple: expected tuple type N, got 'K' at offset 9");
  }

  @Test
  void deleteNeedsKeyOrOldTuple() {
    fails(
        Bytes.tag('D').i32(1).i8('N').i16(0),
        "Delete.oldTuple: expected tuple type K or O, got 'N' at offset 5");
  }

  @Test
  void insertNeedsNewTuple() {
    fails(
        Bytes.tag('I').i32(1).i8(0x01),
        "Insert.newTuple: expected tuple type N, got byte 0x01 at offset 5");
  }

  @Test
  void unknownColumnKindNamesTheColumn() {
    fails(
        Bytes.tag('I').i32(1).i8('N').i16(2).i8('n').i8('x'),
        "Insert.newTuple[1]: expected column kind n, u, t or b, got 'x' at offset 9");
  }

  @Test
  void columnCountLargerThanTheRestIsRejectedBeforeAllocating() {
    fails(
        Bytes.tag('I').i32(1).i8('N').i16(0xFFFF).i8('n'),
        "Insert.newTuple.columns: expected a column count that fits the 1 remaining bytes, got"
            + " 65535 at offset 6");
  }

  @Test
  void negativeOrOversizedValueLengthIsRejectedBeforeAllocating() {
    fails(
        Bytes.tag('I').i32(1).i8('N').i16(1).i8('t').i32(-1),
        "Insert.newTuple[0].length: expected a length from 0 to the 0 remaining bytes, got -1 at"
            + " offset 9");
    fails(
        Bytes.tag('I').i32(1).i8('N').i16(1).i8('b').i32(Integer.MAX_VALUE).i8(1),
        "Insert.newTuple[0].length: expected a length from 0 to the 1 remaining bytes, got"
            + " 2147483647 at offset 9");
  }

  @Test
  void truncateWithMoreRelationsThanBytesIsRejectedBeforeAllocating() {
    fails(
        Bytes.tag('T').i32(0x7FFFFFFF).i8(0).i32(1),
        "Truncate.relations: expected a count that fits the 4 remaining bytes (4 or more bytes"
            + " each), got 2147483647 at offset 1");
    fails(
        Bytes.tag('T').i32(-2).i8(0),
        "Truncate.relations: expected a count that fits the 0 remaining bytes (4 or more bytes"
            + " each), got 4294967294 at offset 1");
  }

  @Test
  void truncateOptionBitsAreReadSeparately() {
    Truncate t = (Truncate) decode(Bytes.tag('T').i32(1).i8(2).i32(5));
    assertThat(t.restartIdentity()).isTrue();
    assertThat(t.cascade()).isFalse();
    t = (Truncate) decode(Bytes.tag('T').i32(0).i8(1));
    assertThat(t.cascade()).isTrue();
    assertThat(t.relationIds()).isEmpty();
  }

  @Test
  void tupleValuesCompareByContentAndDoNotLeakTheirArrays() {
    Insert i =
        (Insert)
            decode(Bytes.tag('I').i32(1).i8('N').i16(2).text("héllo").binary(new byte[] {1, 2}));
    TupleValue.Text t = (TupleValue.Text) i.newTuple().get(0);
    assertThat(t.text()).isEqualTo("héllo");
    assertThat(t.length()).isEqualTo(6);
    t.bytes()[0] = 'X';
    assertThat(t.text()).isEqualTo("héllo");
    TupleValue.Binary b = (TupleValue.Binary) i.newTuple().get(1);
    assertThat(b.buffer().get(1)).isEqualTo((byte) 2);
    assertThat(b.buffer().isReadOnly()).isTrue();
    assertThat(i.newTuple())
        .containsExactly(TupleValue.Text.of("héllo"), new TupleValue.Binary(new byte[] {1, 2}));
    assertThatThrownBy(() -> i.newTuple().add(TupleValue.Null.INSTANCE))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void updateWithKeyMarksTheOldTupleAsKeyOnly() {
    Update u =
        (Update) decode(Bytes.tag('U').i32(7).i8('K').i16(1).text("1").i8('N').i16(1).text("2"));
    assertThat(u.oldTuple()).hasValueSatisfying(o -> assertThat(o.keyOnly()).isTrue());
    assertThat(u.newTuple()).isEqualTo(List.of(TupleValue.Text.of("2")));
  }

  @Test
  void relationColumnCountLargerThanTheRestIsRejected() {
    fails(
        Bytes.tag('R').i32(1).str("s").str("t").i8('d').i16(3).i8(0).str("a").i32(23).i32(-1),
        "Relation.columns: expected a count that fits the 11 remaining bytes (10 or more bytes"
            + " each), got 3 at offset 10");
  }

  @Test
  void relationErrorsNameTheColumn() {
    fails(
        Bytes.tag('R').i32(1).str("s").str("t").i8('d').i16(1).i8(0).str("abc").i32(23).i16(0),
        "Relation.columns[0].typeModifier: expected 4 bytes, got 2 bytes at offset 21");
  }

  @Test
  void stringWithoutTerminatorIsRejected() {
    fails(
        Bytes.tag('O').i64(1).raw(new byte[] {'a', 'b'}),
        "Origin.name: expected a NUL-terminated string, got no NUL in 2 bytes at offset 9");
  }

  @Test
  void decodesFromTheMiddleOfALargerBuffer() {
    byte[] msg = Bytes.tag('I').i32(1).i8('N').i16(1).text("v").array();
    ByteBuffer b = ByteBuffer.allocate(msg.length + 10);
    b.position(5);
    b.put(msg);
    b.position(5).limit(5 + msg.length);
    assertThat(v1.decode(b, false)).isInstanceOf(Insert.class);
  }
}
