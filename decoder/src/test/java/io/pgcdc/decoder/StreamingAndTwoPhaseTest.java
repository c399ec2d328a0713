package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The in-stream xid, the v4 Stream Abort fields, and messages newer than the protocol version. */
class StreamingAndTwoPhaseTest {

  @Test
  void insideAStreamBlockRowMessagesCarryTheXid() {
    byte[] bytes = Bytes.tag('I').i32(0xFFFFFFFE).i32(16384).i8('N').i16(0).array();
    Insert i = (Insert) new PgOutputDecoder(2).decode(java.nio.ByteBuffer.wrap(bytes), true);
    assertThat(i.xid()).isEqualTo(OptionalInt.of(0xFFFFFFFE));
    assertThat(i.relationId()).isEqualTo(16384);
  }

  @Test
  void outsideAStreamBlockTheSameBytesAreNotAnInsert() {
    byte[] bytes = Bytes.tag('I').i32(77).i32(16384).i8('N').i16(0).array();
    assertThatThrownBy(() -> new PgOutputDecoder(2).decode(java.nio.ByteBuffer.wrap(bytes), false))
        .isInstanceOf(DecodeException.class)
        .hasMessage("Insert.newTuple: expected tuple type N, got byte 0x00 at offset 5");
  }

  @Test
  void streamBlocksNeedProtocolVersionTwo() {
    assertThatThrownBy(() -> new PgOutputDecoder(1).decode(Bytes.tag('I').buffer(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("protocol version 1 has no streamed transactions");
    assertThatThrownBy(
            () -> new PgOutputDecoder(1).decode(Bytes.tag('S').i32(1).i8(1).buffer(), false))
        .isInstanceOf(DecodeException.class)
        .hasMessage(
            "StreamStart: expected a message of protocol version 1, got one that needs version 2"
                + " or later at offset 0");
  }

  @Test
  void twoPhaseMessagesNeedProtocolVersionThree() {
    assertThatThrownBy(
            () ->
                new PgOutputDecoder(2)
                    .decode(
                        Bytes.tag('P').i8(0).i64(1).i64(2).i64(3).i32(4).str("g").buffer(), false))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("Prepare: expected a message of protocol version 2");
  }

  @Test
  void streamAbortBeforeVersionFourHasNoAbortFields() {
    byte[] bytes = Bytes.tag('A').i32(5).i32(6).i64(1).i64(2).array();
    assertThatThrownBy(() -> new PgOutputDecoder(3).decode(java.nio.ByteBuffer.wrap(bytes), false))
        .isInstanceOf(DecodeException.class)
        .hasMessage("StreamAbort: expected end of message, got 16 bytes more at offset 9");
  }

  @Test
  void streamAbortInVersionFourReadsTheFieldsWhenSent() {
    StreamAbort a =
        (StreamAbort)
            new PgOutputDecoder(4)
                .decode(
                    Bytes.tag('A').i32(5).i32(6).i64(Samples.L1.value()).i64(Samples.T1).buffer(),
                    false);
    assertThat(a.abortLsn()).contains(Samples.L1);
    assertThat(a.abortTime()).contains(Samples.I1);
    assertThat(a.isTopLevel()).isFalse();
    StreamAbort b =
        (StreamAbort) new PgOutputDecoder(4).decode(Bytes.tag('A').i32(5).i32(5).buffer(), false);
    assertThat(b.abortLsn()).isEmpty();
    assertThat(b.isTopLevel()).isTrue();
  }

  @Test
  void streamAbortInVersionFourWithAPartialLsnFails() {
    assertThatThrownBy(
            () ->
                new PgOutputDecoder(4).decode(Bytes.tag('A').i32(5).i32(5).i32(1).buffer(), false))
        .isInstanceOf(DecodeException.class)
        .hasMessage("StreamAbort.abortLsn: expected 8 bytes, got 4 bytes at offset 9");
  }

  @Test
  void timestampsBeforeTheEpochAndAtTheExtremesConvert() {
    Begin b =
        (Begin) new PgOutputDecoder(1).decode(Bytes.tag('B').i64(1).i64(-1).i32(1).buffer(), false);
    assertThat(b.commitTime()).isEqualTo(java.time.Instant.parse("1999-12-31T23:59:59.999999Z"));
    Begin max =
        (Begin)
            new PgOutputDecoder(1)
                .decode(Bytes.tag('B').i64(1).i64(Long.MAX_VALUE).i32(1).buffer(), false);
    assertThat(max.commitTime().getEpochSecond()).isPositive();
  }

  @Test
  void unknownMessageTypeIsNamed() {
    assertThatThrownBy(() -> new PgOutputDecoder(4).decode(Bytes.tag('Z').buffer(), false))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("message.type: expected a message type byte")
        .hasMessageEndingWith("got 'Z' at offset 0");
  }

  @Test
  void protocolVersionOutsideOneToFourIsRejected() {
    assertThatThrownBy(() -> new PgOutputDecoder(5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pgoutput proto_version: expected 1 to 4, got 5");
  }
}
