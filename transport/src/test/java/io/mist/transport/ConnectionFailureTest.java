package io.mist.transport;

import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionFailureTest
{
    @Test
    void socketErrorsAndInputNettyRejectsAreTheClients()
    {
        assertTrue(ConnectionFailure.isClients(new IOException("Connection reset by peer")));
        assertTrue(ConnectionFailure.isClients(new DecoderException(new SSLHandshakeException("no cipher"))));
        assertTrue(ConnectionFailure.isClients(new CorruptedFrameException("bad mask")));
        assertTrue(ConnectionFailure.isClients(new TooLongFrameException("too long")));
        assertTrue(ConnectionFailure.isClients(new PrematureChannelClosureException("hung up mid-request")));
    }

    @Test
    void anythingElseThrownByOurOwnCodeIsABug()
    {
        assertFalse(ConnectionFailure.isClients(new ArrayIndexOutOfBoundsException(2001)));
        assertFalse(ConnectionFailure.isClients(new DecoderException(new ArrayIndexOutOfBoundsException(2001))));
        assertFalse(ConnectionFailure.isClients(new DecoderException(new DecoderException(new IllegalStateException()))));
        assertFalse(ConnectionFailure.isClients(new NullPointerException()));
    }
}
