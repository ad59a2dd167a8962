package io.mist.server;

import io.mist.transport.AccessGate;

/** A gate that admits one token, standing in for an authenticator's master token in listener tests. */
final class TokenGate implements AccessGate
{
    private final String token;

    TokenGate(final String token)
    {
        this.token = token;
    }

    @Override
    public boolean enabled()
    {
        return true;
    }

    @Override
    public boolean admits(final String presented)
    {
        return token.equals(presented);
    }
}
