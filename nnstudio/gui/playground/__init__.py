"""The Playground: the trained model answering what the person draws, opens or types, and a
look inside it."""
