package io.mist.auth;

/** The contract against {@code memory://}. */
class MemoryTokenStoreTest extends TokenRegistryContract
{
    @Override
    TokenStore openStore() throws Exception
    {
        return TokenStores.open("memory://");
    }
}
