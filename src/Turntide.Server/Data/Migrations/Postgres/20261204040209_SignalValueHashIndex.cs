using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Turntide.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SignalValueHashIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_content_signals_Value",
                table: "content_signals");

            migrationBuilder.CreateIndex(
                name: "IX_content_signals_Value",
                table: "content_signals",
                column: "Value")
                .Annotation("Npgsql:IndexMethod", "hash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_content_signals_Value",
                table: "content_signals");

            migrationBuilder.CreateIndex(
                name: "IX_content_signals_Value",
                table: "content_signals",
                column: "Value");
        }
    }
}
