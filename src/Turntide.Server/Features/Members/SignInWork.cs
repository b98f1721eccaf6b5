using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Turntide.Server.Features.Members;

/// <summary>
/// A password sign-in that does the same work and gives the same answer for an unknown email, a wrong password
/// and a locked account: each attempt verifies exactly one password hash, so neither the page nor its timing
/// tells which emails have accounts.
/// </summary>
internal sealed class SignInWork(SignInManager<Person> signIn, UserManager<Person> users, IPasswordHasher<Person> hasher)
{
    private static readonly Lock Gate = new();
    private static string? _dummyHash;

    public async Task<SignInResult> PasswordAsync(string userName, string password)
    {
        var person = await users.FindByNameAsync(userName);
        if (person is null)
        {
            VerifyAgainstNothing(password);
            return SignInResult.Failed;
        }
        // Identity refuses a locked account before it looks at the password; look at one anyway.
        if (await users.IsLockedOutAsync(person))
        {
            VerifyAgainstNothing(password);
            return SignInResult.LockedOut;
        }
        return await signIn.PasswordSignInAsync(person, password, isPersistent: false, lockoutOnFailure: true);
    }

    private void VerifyAgainstNothing(string password) =>
        hasher.VerifyHashedPassword(new Person(), DummyHash(), password);

    /// <summary>A hash of a random password in the hasher's current format (so with its iteration count).</summary>
    private string DummyHash()
    {
        lock (Gate)
            return _dummyHash ??= hasher.HashPassword(new Person(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
    }
}
