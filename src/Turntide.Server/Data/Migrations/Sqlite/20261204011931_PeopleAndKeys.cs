using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Turntide.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PeopleAndKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiresAt",
                table: "api_keys",
                type: "TEXT",
                nullable: false,
                // Keys made before expiry existed get the default life from the upgrade, rather than expiring at once.
                defaultValue: DateTime.SpecifyKind(DateTime.UtcNow.Date.AddDays(90), DateTimeKind.Utc));

            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "api_keys",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PasswordResetExpiresAt",
                table: "AspNetUsers",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "PasswordResetExpiresAt",
                table: "AspNetUsers");
        }
    }
}
