package io.vigil.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.gateway.IngestOutcome;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;

class CoapResponsesTest {
    private static IngestOutcome refused(RejectReason reason) {
        return new IngestOutcome(0, List.of(Rejection.of(reason, "why")));
    }

    @Test
    void storedReadingsAreChanged() {
        assertThat(CoapResponses.reply(new IngestOutcome(3, List.of()), null).code()).isEqualTo(ResponseCode.CHANGED);
    }

    @Test
    void packWithSomeGoodRecordsIsChanged() {
        IngestOutcome partly = new IngestOutcome(1, List.of(Rejection.of(RejectReason.INVALID_VALUE, "record 2")));
        assertThat(CoapResponses.reply(partly, null).code()).isEqualTo(ResponseCode.CHANGED);
    }

    @Test
    void undecodablePayloadIsBadRequestWithReasonAndDetail() {
        CoapResponses.Reply reply = CoapResponses.reply(refused(RejectReason.MALFORMED), null);
        assertThat(reply.code()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(reply.text()).isEqualTo("MALFORMED: why");
    }

    @Test
    void transportRefusalsHaveTheirOwnCodes() {
        assertThat(CoapResponses.reply(refused(RejectReason.TOO_LARGE), null).code())
                .isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
        assertThat(CoapResponses.reply(refused(RejectReason.UNSUPPORTED_FORMAT), null).code())
                .isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(CoapResponses.reply(refused(RejectReason.BAD_ADDRESS), null).code())
                .isEqualTo(ResponseCode.NOT_FOUND);
    }

    @Test
    void kafkaNotAcknowledgingIsServiceUnavailable() {
        CompletionException failure = new CompletionException(new TimeoutException("expired"));
        assertThat(CoapResponses.reply(null, failure).code()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
    }

    @Test
    void anythingElseIsInternalError() {
        assertThat(CoapResponses.reply(null, new IllegalStateException("bug")).code())
                .isEqualTo(ResponseCode.INTERNAL_SERVER_ERROR);
    }
}
