package io.mist.server;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.mist.auth.AdminResult;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A gate that admits one token as the master token, standing in for an authenticator in listener tests. */
final class TokenGate implements AccessControl
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
    public boolean allowsAnonymous()
    {
        return false;
    }

    @Override
    public Access check(final String presented, final Object source)
    {
        return find(presented);
    }

    @Override
    public Access find(final String presented)
    {
        return token.equals(presented) ? Access.ADMIN : Access.DENIED;
    }

    @Override
    public CompletableFuture<AdminResult> admin(final String command, final String presented, final List<String> tags)
    {
        throw new UnsupportedOperationException("the stand-in gate has no token store");
    }

    @Override
    public void close()
    {
    }
}
