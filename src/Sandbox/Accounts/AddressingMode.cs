namespace WaEngine.Sandbox.Accounts;

/// <summary>How the sandbox addresses an account's messages to others: by phone number or by LID.</summary>
public enum AddressingMode
{
    /// <summary>Phone-number JIDs (<c>…@s.whatsapp.net</c>).</summary>
    Pn,

    /// <summary>LID JIDs (<c>…@lid</c>), with the phone number carried alongside.</summary>
    Lid,
}
