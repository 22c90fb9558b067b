namespace WaEngine.Sandbox.Accounts;

/// <summary>Normalises phone numbers given as <c>+E.164</c>, bare digits or with spaces/dashes, to digits only.</summary>
public static class PhoneNumber
{
    /// <summary>Returns the digits, or throws <see cref="SandboxInputException"/> saying what is wrong.</summary>
    public static string Normalize(string? input, string param = "phone")
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new SandboxInputException("A phone number is required.", param: param);
        }

        var digits = new System.Text.StringBuilder(input.Length);
        foreach (var c in input.Trim().TrimStart('+'))
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '(' or ')'))
            {
                throw new SandboxInputException($"Phone number '{input}' contains '{c}'; use digits or +E.164.", param: param);
            }
        }

        if (digits.Length is < 7 or > 15 || digits[0] == '0')
        {
            throw new SandboxInputException($"Phone number '{input}' must have 7 to 15 digits and not start with 0 (E.164).", param: param);
        }

        return digits.ToString();
    }
}
