using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Turntide.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TransferSignalValueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_content_signals_Value",
                table: "content_signals",
                column: "Value");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_content_signals_Value",
                table: "content_signals");
        }
    }
}
