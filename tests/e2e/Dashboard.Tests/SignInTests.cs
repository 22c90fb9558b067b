using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WaEngine.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public class SignInTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_wrong_key_is_refused_the_right_one_lives_only_in_session_storage_and_the_authorization_header_and_sign_out_forgets_it()
    {
        await using var session = await DashboardSession.OpenAsync(fixture, "sign-in");
        var page = session.Page;
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Note)).ToContainTextAsync("Sandbox mode.");
        await session.ShotAsync("sign-in");

        await page.GetByLabel("Admin key").FillAsync("wae_not_the_key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new Regex("That admin key is not right"));
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('waengine.adminKey')"));
        await session.ShotAsync("wrong-key");

        await page.GetByLabel("Admin key").FillAsync(fixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lines", Level = 1 })).ToBeVisibleAsync();
        Assert.Equal(fixture.AdminKey, await page.EvaluateAsync<string?>("() => sessionStorage.getItem('waengine.adminKey')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.DoesNotContain(fixture.AdminKey, await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);
        await session.ShotAsync("signed-in");

        // A reload keeps the tab signed in (session storage), with no key anywhere but the Authorization header.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lines", Level = 1 })).ToBeVisibleAsync();
        var withKey = 0;
        foreach (var request in session.Requests)
        {
            Assert.DoesNotContain(fixture.AdminKey, request.Url, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.AdminKey, request.PostData ?? "", StringComparison.Ordinal);
            foreach (var (name, value) in await request.AllHeadersAsync())
            {
                if (value.Contains(fixture.AdminKey, StringComparison.Ordinal))
                {
                    Assert.Equal(("authorization", $"Bearer {fixture.AdminKey}"), (name, value));
                    withKey++;
                }
            }
        }

        Assert.True(withKey >= 2, $"the key went out {withKey} times");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('waengine.adminKey')"));
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        session.AssertClean();
    }
}
